package dev.ledger.persistence;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerMaps;
import dev.ledger.domain.Transfer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One consumed batch's view of PostgreSQL: the rows its events read, loaded up front in a few
 * queries, with the batch's own changes laid over them so that later events see earlier ones.
 * What changed is written back in one transaction.
 */
public final class BatchState extends LedgerMaps {

    final Map<String, Account> changedAccounts = new LinkedHashMap<>();
    final Map<String, Transfer> changedTransfers = new LinkedHashMap<>();
    final Map<String, CommandResult> newCommands = new LinkedHashMap<>();
    final Set<String> newlyAppliedFollowUps = new HashSet<>();

    BatchState(Map<String, Account> accounts, Map<String, Transfer> transfers, Map<String, CommandResult> commands,
               Set<String> appliedFollowUps) {
        super(new HashMap<>(accounts), new HashMap<>(transfers), new HashMap<>(commands), new HashSet<>(appliedFollowUps));
    }

    @Override
    public void putAccount(Account account) {
        super.putAccount(account);
        changedAccounts.put(account.accountId(), account);
    }

    @Override
    public void putTransfer(Transfer transfer) {
        super.putTransfer(transfer);
        changedTransfers.put(transfer.transferId(), transfer);
    }

    @Override
    public void putCommand(CommandResult command) {
        super.putCommand(command);
        newCommands.put(command.commandId(), command);
    }

    @Override
    public void markFollowUpApplied(String eventId) {
        super.markFollowUpApplied(eventId);
        newlyAppliedFollowUps.add(eventId);
    }
}
