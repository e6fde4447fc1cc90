package dev.ledger.command;

import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Decision;
import dev.ledger.domain.Transfer;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where consumers report what they applied and requests wait for it. Also remembers which commands
 * this instance published and has not applied yet, so that {@code GET /commands/{id}} can say PENDING.
 * A singleton, so that consumers, which report every event, call it without a client proxy.
 */
@Singleton
public class Outcomes {

    private final Waiters<CommandResult> commands = new Waiters<>();
    private final Waiters<Transfer> settledTransfers = new Waiters<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final String id = UUID.randomUUID().toString();

    /** Names these waiters among every instance's: what their own consumers applied is not announced back to them. */
    public String id() {
        return id;
    }

    Waiters<CommandResult> commands() {
        return commands;
    }

    Waiters<Transfer> settledTransfers() {
        return settledTransfers;
    }

    void inFlight(String commandId, boolean inFlight) {
        if (inFlight) {
            this.inFlight.add(commandId);
        } else {
            this.inFlight.remove(commandId);
        }
    }

    public boolean inFlight(String commandId) {
        return !inFlight.isEmpty() && inFlight.contains(commandId);
    }

    /** Whether a request on this instance waits for the command, or would report it PENDING. */
    public boolean awaited(String commandId) {
        return inFlight(commandId) || commands.waiting(commandId);
    }

    /** Whether a request on this instance waits for this sender's transfer under this id to settle. */
    public boolean awaitsSettlement(String transferId, String from) {
        return settledTransfers.waiting(settledKey(transferId, from));
    }

    /**
     * Called after a decision is written.
     *
     * @param command the command's result as now stored (for a duplicate or a reused key, the earlier one)
     */
    public void applied(Decision decision, CommandResult command) {
        if (command != null) {
            commandApplied(command);
        }
        var transfer = decision.transfer();
        if (transfer != null && transfer.status().settled()) {
            transferSettled(transfer);
        }
    }

    public void commandApplied(CommandResult command) {
        inFlight.remove(command.commandId());
        commands.complete(command.commandId(), command);
    }

    public void transferSettled(Transfer transfer) {
        // Called for every settled transfer a replay rebuilds: no key made while no request waits.
        if (settledTransfers.anyWaiting()) {
            settledTransfers.complete(settledKey(transfer.transferId(), transfer.from()), transfer);
        }
    }

    /** Each sender's transfer under an id settles on its own: see {@code LedgerView#transfer}. */
    static String settledKey(String transferId, String from) {
        return transferId + '\n' + from;
    }
}
