package dev.ledger.domain;

public enum TransferStatus {
    /** Debited, the credit (or the refund after a failed credit) has not been applied yet. */
    PENDING,
    /** Debited and credited. */
    COMPLETED,
    /** Nothing moved. */
    REJECTED,
    /** Debited, the credit failed, the money went back to the sender. */
    REFUNDED;

    public boolean settled() {
        return this != PENDING;
    }
}
