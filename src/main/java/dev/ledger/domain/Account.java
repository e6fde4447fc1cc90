package dev.ledger.domain;

import java.util.Objects;

/**
 * An account as the ledger knows it. {@code version} counts the events that changed it: opening
 * is version 1, every applied deposit, withdrawal, debit, credit or refund adds one.
 */
public record Account(String accountId, String owner, String currency, long balance, long version) {

    /**
     * The highest balance deposits and credits may reach. Refunds may go beyond it (they return
     * money that was there), but never near overflow.
     */
    public static final long MAX_BALANCE = 1_000_000_000_000_000_000L;

    public Account {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(owner, "owner");
        Currency.require(currency);
        if (balance < 0) {
            throw new IllegalArgumentException("balance out of range: " + balance);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + version);
        }
    }

    static Account open(String accountId, String owner, String currency) {
        return new Account(accountId, owner, currency, 0, 1);
    }

    boolean canAccept(long amount) {
        return balance + amount <= MAX_BALANCE;
    }

    boolean covers(long amount) {
        return balance >= amount;
    }

    Account plus(long amount) {
        return new Account(accountId, owner, currency, Math.addExact(balance, amount), version + 1);
    }

    Account minus(long amount) {
        return new Account(accountId, owner, currency, balance - amount, version + 1);
    }
}
