package dev.ledger.domain;

/**
 * The one list of event types: the name each has on the topic, the payload it carries and the
 * version of that payload this release writes. The codec reads and writes names and versions from
 * here, and {@link Ledger#apply} switches over it, so a new type added here fails to compile until
 * the rules decide what it does. The topic is kept forever: a version, once written, is read by
 * every later release, which brings it up to the current one as it reads it (the pipeline's
 * upcasts); raising a version here without an upcast from the one before stops the service at start.
 */
public enum EventType {
    ACCOUNT_OPEN_REQUESTED(Payload.AccountOpenRequested.class, 1),
    DEPOSIT_REQUESTED(Payload.DepositRequested.class, 1),
    WITHDRAWAL_REQUESTED(Payload.WithdrawalRequested.class, 1),
    /** 2: {@code reference}. */
    TRANSFER_REQUESTED(Payload.TransferRequested.class, 2),
    /** 2: {@code reference}, the transfer's. */
    TRANSFER_CREDIT_REQUESTED(Payload.TransferCreditRequested.class, 2),
    TRANSFER_REFUND_REQUESTED(Payload.TransferRefundRequested.class, 1);

    private final Class<? extends Payload> payload;
    private final int version;

    EventType(Class<? extends Payload> payload, int version) {
        this.payload = payload;
        this.version = version;
    }

    /** The version of this type's payload that this release writes, and the newest it can read. */
    public int version() {
        return version;
    }

    public Class<? extends Payload> payload() {
        return payload;
    }

    /** The {@code type} field of the envelope: the payload's simple name. */
    public String wireName() {
        return payload.getSimpleName();
    }
}
