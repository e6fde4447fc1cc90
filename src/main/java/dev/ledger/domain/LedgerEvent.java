package dev.ledger.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One record on the topic. The record key is {@link #accountId()}, so every event that changes an
 * account lands on that account's partition and is applied in order.
 *
 * @param eventId unique per event; follow-ups get ids derived from their transfer, so that a
 *                follow-up published twice is recognised and applied once
 * @param commandId the client request this event stems from (follow-ups keep their transfer's)
 * @param idempotencyKey the client's Idempotency-Key, or null
 * @param requestHash fingerprint of the client request when it carried an idempotency key, else null
 */
public record LedgerEvent(String eventId, String accountId, String commandId, Instant timestamp,
                          String idempotencyKey, String requestHash, Payload payload) {

    public LedgerEvent {
        Objects.requireNonNull(eventId, "eventId");
        Ids.require(accountId, "accountId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(payload, "payload");
    }

    public EventType type() {
        return payload.type();
    }

    /** The follow-up that credits the receiver of a transfer; it goes to the receiver's partition. */
    static LedgerEvent credit(LedgerEvent request, Payload.TransferRequested transfer, String currency) {
        return new LedgerEvent(followUpId(transfer.transferId(), request.accountId(), "credit"), transfer.to(),
                request.commandId(), request.timestamp(), null, null, new Payload.TransferCreditRequested(transfer.transferId(), request.accountId(), transfer.amount(), currency,
                transfer.reference()));
    }

    /** The follow-up that gives a failed credit back to the sender, on the sender's partition. */
    static LedgerEvent refund(LedgerEvent credit, Payload.TransferCreditRequested transfer, Rejection reason) {
        return new LedgerEvent(followUpId(transfer.transferId(), transfer.from(), "refund"), transfer.from(),
                credit.commandId(), credit.timestamp(), null, null, new Payload.TransferRefundRequested(transfer.transferId(), credit.accountId(), transfer.amount(),
                transfer.currency(), reason));
    }

    /**
     * Follow-up ids name the sender too: only the sender's partition decides whether a transfer id
     * is taken, so two senders racing with one id each get their own, distinct follow-ups.
     */
    private static String followUpId(String transferId, String sender, String step) {
        var id = transferId + "/" + sender + "/" + step;
        // Two 64-character ids make a longer id than EventRules lets an event carry: those get a
        // name-based UUID instead, as deterministic as the readable form.
        return id.length() <= EventRules.MAX_ID_LENGTH ? id : UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
