package dev.ledger.domain;

import java.util.Objects;

/**
 * How a client's command ended, kept so that a retry with the same idempotency key and a later
 * {@code GET /commands/{id}} get the same answer.
 *
 * @param accountId the account the command's event was keyed by
 * @param idempotencyKey the client's Idempotency-Key, null when it sent none
 * @param requestHash the fingerprint of the request, null when it had no idempotency key
 * @param rejection null when the command was applied
 * @param account the account as the command left it, for account commands that were applied
 * @param transfer the transfer as the command left it, for transfer commands that created one
 */
public record CommandResult(String commandId, String accountId, String idempotencyKey, String requestHash,
                            Rejection rejection, Account account, Transfer transfer) {

    public CommandResult {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(accountId, "accountId");
    }

    public static CommandResult of(LedgerEvent event, Rejection rejection, Account account, Transfer transfer) {
        return new CommandResult(event.commandId(), event.accountId(), event.idempotencyKey(), event.requestHash(),
                rejection, account, transfer);
    }

    public boolean applied() {
        return rejection == null;
    }
}
