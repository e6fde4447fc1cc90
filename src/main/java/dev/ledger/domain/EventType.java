package dev.ledger.domain;

/**
 * The one list of event types: the name each has on the topic and the payload it carries. The
 * codec reads and writes names from here, and {@link Ledger#apply} switches over it, so a new type
 * added here fails to compile until the rules decide what it does.
 */
public enum EventType {
    ACCOUNT_OPEN_REQUESTED(Payload.AccountOpenRequested.class),
    DEPOSIT_REQUESTED(Payload.DepositRequested.class),
    WITHDRAWAL_REQUESTED(Payload.WithdrawalRequested.class),
    TRANSFER_REQUESTED(Payload.TransferRequested.class),
    TRANSFER_CREDIT_REQUESTED(Payload.TransferCreditRequested.class),
    TRANSFER_REFUND_REQUESTED(Payload.TransferRefundRequested.class);

    private final Class<? extends Payload> payload;

    EventType(Class<? extends Payload> payload) {
        this.payload = payload;
    }

    public Class<? extends Payload> payload() {
        return payload;
    }

    /** The {@code type} field of the envelope: the payload's simple name. */
    public String wireName() {
        return payload.getSimpleName();
    }
}
