package dev.ledger.memory;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerMaps;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.state.LedgerQueries;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * digest takes the lock, to see a whole batch or none of it. A singleton, not application scoped:
 * the replay thread calls it several times per event, and a client proxy would look the bean up each time.
 */
@Singleton
@Typed(InMemoryLedger.class)
public class InMemoryLedger extends LedgerMaps implements LedgerQueries {

    /** Sorted, for listing pages in id order and for the digest. */
    private final ConcurrentNavigableMap<String, Account> accounts;
    private final CommandResults commands = new CommandResults(this::account);
    private final ConcurrentMap<Integer, Long> positions = new ConcurrentHashMap<>();
    private final ReadWriteLock batchLock = new ReentrantReadWriteLock();

    public InMemoryLedger() {
        this(new ConcurrentSkipListMap<>());
    }

    private InMemoryLedger(ConcurrentNavigableMap<String, Account> accounts) {
        // Commands are not kept in a map of results but in the compact CommandResults: see command() and putCommand().
        super(accounts, new ConcurrentHashMap<>(), Map.of(), ConcurrentHashMap.newKeySet());
        this.accounts = accounts;
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
    public Optional<CommandResult> command(String commandId) {
        return commands.get(commandId);
    }

    @Override
    public void putCommand(CommandResult command) {
        commands.put(command);
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
        return Uni.createFrom().item(commands.byIdempotencyKey(idempotencyKey));
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
