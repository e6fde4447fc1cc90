package dev.ledger.group;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerView;
import dev.ledger.domain.LedgerWriter;
import dev.ledger.domain.Transfer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One consumed batch's view of PostgreSQL: the rows its events read, loaded up front in a few
 * queries, with the batch's own changes laid over them so that later events see earlier ones.
 * What changed is written back in one transaction.
 */
final class BatchState implements LedgerView, LedgerWriter {

    private final Map<String, Account> accounts;
    private final Map<TransferKey, Transfer> transfers;
    private final Map<String, CommandResult> commands;
    private final Set<String> appliedFollowUps;

    final Map<String, Account> changedAccounts = new LinkedHashMap<>();
    final Map<TransferKey, Transfer> changedTransfers = new LinkedHashMap<>();
    final Map<String, CommandResult> newCommands = new LinkedHashMap<>();
    final Set<String> newlyAppliedFollowUps = new HashSet<>();

    BatchState(Map<String, Account> accounts, Map<TransferKey, Transfer> transfers, Map<String, CommandResult> commands,
               Set<String> appliedFollowUps) {
        this.accounts = new HashMap<>(accounts);
        this.transfers = new HashMap<>(transfers);
        this.commands = new HashMap<>(commands);
        this.appliedFollowUps = new HashSet<>(appliedFollowUps);
    }

    /** A transfers row's key: each sender's transfer under an id is a row of its own. */
    record TransferKey(String transferId, String from) {
        static TransferKey of(Transfer transfer) {
            return new TransferKey(transfer.transferId(), transfer.from());
        }
    }

    @Override
    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    @Override
    public Optional<Transfer> transfer(String transferId, String from) {
        return Optional.ofNullable(transfers.get(new TransferKey(transferId, from)));
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
        changedAccounts.put(account.accountId(), account);
    }

    @Override
    public void putTransfer(Transfer transfer) {
        transfers.put(TransferKey.of(transfer), transfer);
        changedTransfers.put(TransferKey.of(transfer), transfer);
    }

    @Override
    public void putCommand(CommandResult command) {
        commands.put(command.commandId(), command);
        newCommands.put(command.commandId(), command);
    }

    @Override
    public void markFollowUpApplied(String eventId) {
        appliedFollowUps.add(eventId);
        newlyAppliedFollowUps.add(eventId);
    }
}
