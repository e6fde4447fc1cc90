package dev.ledger.domain;

import java.util.Optional;

/** The state {@link Ledger#apply} reads. Stores implement it; the function never writes through it. */
public interface LedgerView {

    Optional<Account> account(String accountId);

    /**
     * The transfer this sender made under this id. A transfer id is decided on its sender's
     * partition only, so two senders may each use one id: each gets a transfer of its own.
     */
    Optional<Transfer> transfer(String transferId, String from);

    /**
     * This account's command under this id. A command id is its account's own: the same id on
     * another account (only a forged or faulty record writes one) is another command, so that an
     * account's state still depends on its own partition's order alone.
     */
    Optional<CommandResult> command(String accountId, String commandId);

    /** Whether the follow-up event with this id has already been applied (it may be published twice). */
    boolean followUpApplied(String eventId);
}
