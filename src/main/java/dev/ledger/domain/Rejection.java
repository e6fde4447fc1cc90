package dev.ledger.domain;

/** Why an event changed nothing (or, for a transfer, why its money did not arrive). */
public enum Rejection {
    ACCOUNT_ALREADY_EXISTS("an account with this id already exists"),
    ACCOUNT_NOT_FOUND("no account with this id"),
    INSUFFICIENT_FUNDS("the balance does not cover the amount"),
    BALANCE_LIMIT_EXCEEDED("the balance would exceed the highest balance an account may hold"),
    SAME_ACCOUNT("a transfer needs two different accounts"),
    TRANSFER_ALREADY_EXISTS("a transfer with this id already exists"),
    CURRENCY_MISMATCH("the receiving account holds another currency"),
    IDEMPOTENCY_KEY_REUSED("the idempotency key was already used for a different request");

    private final String description;

    Rejection(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
