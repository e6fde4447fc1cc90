package dev.ledger.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.ledger.domain.Account;

/** An account as the API shows it. */
@RegisterForReflection
public record AccountBody(String accountId, String owner, String currency, long balance, long version) {

    static AccountBody of(Account account) {
        return new AccountBody(account.accountId(), account.owner(), account.currency(), account.balance(), account.version());
    }
}
