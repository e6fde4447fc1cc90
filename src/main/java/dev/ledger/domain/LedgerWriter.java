package dev.ledger.domain;

/** Where a store takes the changes of a {@link Decision}: see {@link Decision#writeTo}. */
public interface LedgerWriter {

    void putAccount(Account account);

    /** Keyed by transfer id and sender, as {@link LedgerView#transfer} reads it. */
    void putTransfer(Transfer transfer);

    void putCommand(CommandResult command);

    void markFollowUpApplied(String eventId);
}
