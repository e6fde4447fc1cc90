package dev.ledger.memory;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerView;
import dev.ledger.domain.LedgerWriter;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.state.LedgerQueries;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Replay mode's state. One thread writes (the replay consumer, a batch at a time under
 * {@link #writeBatch}); any number read from the concurrent maps without waiting. Only the
 * digest takes the lock, to see a whole batch or none of it.
 */
@ApplicationScoped
@Typed(InMemoryLedger.class)
public class InMemoryLedger implements LedgerView, LedgerWriter, LedgerQueries {

    private final ConcurrentNavigableMap<String, Account> accounts = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, Transfer> transfers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CommandResult> commands = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> commandsByIdempotencyKey = new ConcurrentHashMap<>();
    private final Set<String> appliedFollowUps = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Integer, Long> positions = new ConcurrentHashMap<>();
    private final ReadWriteLock batchLock = new ReentrantReadWriteLock();

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

    /**
     * Runs one consumed batch: its decisions are written and its positions advanced as one step,
     * as far as the digest can tell.
     */
    public void writeBatch(Runnable batch) {
        batchLock.writeLock().lock();
        try {
            batch.run();
        } finally {
            batchLock.writeLock().unlock();
        }
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
        if (command.idempotencyKey() != null) {
            commandsByIdempotencyKey.put(command.idempotencyKey(), command.commandId());
        }
    }

    @Override
    public void markFollowUpApplied(String eventId) {
        appliedFollowUps.add(eventId);
    }

    /** @param nextOffset the offset of the next record of that partition still to apply */
    public void advance(int partition, long nextOffset) {
        positions.put(partition, nextOffset);
    }

    @Override
    public Uni<Optional<Account>> findAccount(String accountId) {
        return Uni.createFrom().item(account(accountId));
    }

    @Override
    public Uni<List<Account>> listAccounts(String after, int limit) {
        var page = after == null ? accounts.values() : accounts.tailMap(after, false).values();
        return Uni.createFrom().item(page.stream().limit(limit).toList());
    }

    @Override
    public Uni<Optional<Transfer>> findTransfer(String transferId) {
        return Uni.createFrom().item(transfer(transferId));
    }

    @Override
    public Uni<Optional<CommandResult>> findCommand(String commandId) {
        return Uni.createFrom().item(command(commandId));
    }

    @Override
    public Uni<Optional<CommandResult>> findByIdempotencyKey(String idempotencyKey) {
        return Uni.createFrom().item(Optional.ofNullable(commandsByIdempotencyKey.get(idempotencyKey)).flatMap(this::command));
    }

    @Override
    public Uni<Snapshot> digest() {
        return Uni.createFrom().item(() -> {
            batchLock.readLock().lock();
            try {
                var digest = new StateDigest();
                accounts.values().forEach(digest::add);
                return new Snapshot(digest.accounts(), digest.totalBalance(), digest.hex(), new TreeMap<>(positions));
            } finally {
                batchLock.readLock().unlock();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
