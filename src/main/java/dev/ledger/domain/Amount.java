package dev.ledger.domain;

/** Amounts are whole minor units (cents). */
public final class Amount {

    public static final long MIN = 1;
    public static final long MAX = 1_000_000_000_000L;

    private Amount() {
    }

    static long require(long amount) {
        if (amount < MIN || amount > MAX) {
            throw new IllegalArgumentException("amount must be between " + MIN + " and " + MAX + ": " + amount);
        }
        return amount;
    }
}
