package dev.ledger.domain;

import java.util.Optional;

/** The state {@link Ledger#apply} reads. Stores implement it; the function never writes through it. */
public interface LedgerView {

    Optional<Account> account(String accountId);

    Optional<Transfer> transfer(String transferId);

    Optional<CommandResult> command(String commandId);

    /** Whether the follow-up event with this id has already been applied (it may be published twice). */
    boolean followUpApplied(String eventId);
}
