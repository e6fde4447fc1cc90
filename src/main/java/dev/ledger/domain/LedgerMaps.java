package dev.ledger.domain;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ledger's state held in maps, read and written the way {@link Ledger#apply} and
 * {@link Decision#writeTo} expect. Each store picks the kind of maps it needs (concurrent ones
 * for replay mode, plain ones for one batch of group mode) and adds what else it keeps.
 */
public class LedgerMaps implements LedgerView, LedgerWriter {

    private final Map<String, Account> accounts;
    private final Map<String, Transfer> transfers;
    private final Map<String, CommandResult> commands;
    private final Set<String> appliedFollowUps;

    public LedgerMaps(Map<String, Account> accounts, Map<String, Transfer> transfers, Map<String, CommandResult> commands,
                      Set<String> appliedFollowUps) {
        this.accounts = accounts;
        this.transfers = transfers;
        this.commands = commands;
        this.appliedFollowUps = appliedFollowUps;
    }

    @Override
    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    @Override
    public Optional<Transfer> transfer(String transferId) {
        return Optional.ofNullable(transfers.get(transferId));
    }

    @Override
    public Optional<CommandResult> command(String commandId) {
        return Optional.ofNullable(commands.get(commandId));
    }

    @Override
    public boolean followUpApplied(String eventId) {
        return appliedFollowUps.contains(eventId);
    }

    @Override
    public void putAccount(Account account) {
        accounts.put(account.accountId(), account);
    }

    @Override
    public void putTransfer(Transfer transfer) {
        transfers.put(transfer.transferId(), transfer);
    }

    @Override
    public void putCommand(CommandResult command) {
        commands.put(command.commandId(), command);
    }

    @Override
    public void markFollowUpApplied(String eventId) {
        appliedFollowUps.add(eventId);
    }
}
