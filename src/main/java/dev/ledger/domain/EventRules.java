package dev.ledger.domain;

/**
 * What a record must be to be applied (CONTRACT.md, "What a record must be to be applied"). Both
 * modes run these checks on every decoded event before the rules of {@link Ledger}, so they skip
 * exactly the same records; the REST API refuses with 400 whatever would fail them. The payloads'
 * own constructors already check ids, currencies and amounts.
 */
public final class EventRules {

    /** Longest {@code eventId} and {@code commandId}, and {@code Idempotency-Key}. */
    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_OWNER_LENGTH = 200;
    public static final int MAX_REFERENCE_LENGTH = 200;

    private EventRules() {
    }

    /**
     * Why the event, read from a record with this key, may not be applied; null when it may.
     *
     * @param key the record key as text, null when the record has none
     */
    public static String violation(String key, LedgerEvent event) {
        if (!event.accountId().equals(key)) {
            return "the record key is not the event's accountId";
        }
        var envelope = firstOf(
                bounded("eventId", event.eventId(), 1, MAX_ID_LENGTH),
                bounded("commandId", event.commandId(), 1, MAX_ID_LENGTH),
                event.idempotencyKey() == null || printableAscii(event.idempotencyKey()) ? null
                        : "idempotencyKey must be 1 to " + MAX_ID_LENGTH + " printable ASCII characters",
                event.requestHash() == null ? null : bounded("requestHash", event.requestHash(), 1, MAX_ID_LENGTH));
        return envelope != null ? envelope : switch (event.payload().type()) {
            case ACCOUNT_OPEN_REQUESTED -> bounded("owner", ((Payload.AccountOpenRequested) event.payload()).owner(), 1, MAX_OWNER_LENGTH);
            case DEPOSIT_REQUESTED -> reference(((Payload.DepositRequested) event.payload()).reference());
            case WITHDRAWAL_REQUESTED -> reference(((Payload.WithdrawalRequested) event.payload()).reference());
            case TRANSFER_REQUESTED -> reference(((Payload.TransferRequested) event.payload()).reference());
            case TRANSFER_CREDIT_REQUESTED -> reference(((Payload.TransferCreditRequested) event.payload()).reference());
            // Ids, amounts, currencies and reasons: checked by the payloads' constructors.
            case TRANSFER_REFUND_REQUESTED -> null;
        };
    }

    private static String reference(String reference) {
        return reference == null ? null : bounded("reference", reference, 0, MAX_REFERENCE_LENGTH);
    }

    private static String bounded(String field, String value, int min, int max) {
        if (value.length() < min || value.length() > max) {
            return field + " must be " + min + " to " + max + " characters";
        }
        return Text.clean(value) ? null : field + " holds a control character or a lone surrogate";
    }

    private static boolean printableAscii(String text) {
        if (text.isEmpty() || text.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x20 || text.charAt(i) > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static String firstOf(String... violations) {
        for (var violation : violations) {
            if (violation != null) {
                return violation;
            }
        }
        return null;
    }
}
