package dev.ledger.replay;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerView;
import dev.ledger.domain.LedgerWriter;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.Transfers;
import dev.ledger.pipeline.LedgerQueries;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Replay mode's state, in memory. One thread writes (the replay consumer, a batch at a time under
 * {@link #writeBatch}); any number read the concurrent maps without waiting. A singleton, not
 * application scoped: the replay thread calls it several times per event, and a client proxy
 * would look the bean up each time.
 */
@Singleton
@Typed(ReplayState.class)
public class ReplayState implements LedgerView, LedgerWriter, LedgerQueries {

    /** Sorted, for listing pages in id order and for the digest. */
    private final ConcurrentNavigableMap<String, Account> accounts = new ConcurrentSkipListMap<>();
    /** By transfer id, every sender's transfer under it: almost always one. */
    private final ConcurrentMap<String, List<Transfer>> transfers = new ConcurrentHashMap<>();
    private final Set<String> appliedFollowUps = ConcurrentHashMap.newKeySet();
    private final CommandResults commands = new CommandResults(this::account);
    private final ConcurrentMap<Integer, Long> positions = new ConcurrentHashMap<>();
    /** Held by the writer for a batch; a cut takes it only to start, between two batches. */
    private final ReadWriteLock batchLock = new ReentrantReadWriteLock();
    /** The one cut being read, or null; the writer keeps what it overwrites for it. */
    private volatile Cut cut;

    /** Runs one consumed batch: its decisions are written and its positions advanced as one step, for a cut. */
    public void writeBatch(Runnable batch) {
        batchLock.writeLock().lock();
        try {
            batch.run();
        } finally {
            batchLock.writeLock().unlock();
        }
    }

    @Override
    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    @Override
    public Optional<Transfer> transfer(String transferId, String from) {
        var sameId = transfers.get(transferId);
        if (sameId != null) {
            for (var transfer : sameId) {
                if (transfer.from().equals(from)) {
                    return Optional.of(transfer);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<CommandResult> command(String commandId) {
        return commands.get(commandId);
    }

    @Override
    public boolean followUpApplied(String eventId) {
        return appliedFollowUps.contains(eventId);
    }

    @Override
    public void putAccount(Account account) {
        var reading = cut;
        if (reading != null) {
            reading.keep(account.accountId(), accounts.get(account.accountId()));
        }
        accounts.put(account.accountId(), account);
    }

    @Override
    public void putTransfer(Transfer transfer) {
        transfers.compute(transfer.transferId(), (id, sameId) -> {
            if (sameId == null) {
                return List.of(transfer);
            }
            var updated = new ArrayList<Transfer>(sameId.size() + 1);
            sameId.stream().filter(other -> !other.from().equals(transfer.from())).forEach(updated::add);
            updated.add(transfer);
            return List.copyOf(updated);
        });
    }

    @Override
    public void putCommand(CommandResult command) {
        commands.put(command);
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
        return Uni.createFrom().item(Transfers.shown(transfers.getOrDefault(transferId, List.of())));
    }

    @Override
    public Uni<Optional<Transfer>> findTransfer(String transferId, String from) {
        return Uni.createFrom().item(transfer(transferId, from));
    }

    @Override
    public Uni<Optional<CommandResult>> findCommand(String commandId) {
        return Uni.createFrom().item(command(commandId));
    }

    @Override
    public Uni<Optional<CommandResult>> findByIdempotencyKey(String idempotencyKey) {
        return Uni.createFrom().item(commands.byIdempotencyKey(idempotencyKey));
    }

    /**
     * The accounts as they stood between two batches, hashed on a worker thread while the writer
     * goes on: the lock is held only to start the cut, never while hashing.
     */
    @Override
    public Uni<Snapshot> digest() {
        return Uni.createFrom().item(this::digestOfCut).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private synchronized Snapshot digestOfCut() {
        var cut = beginCut();
        try {
            return hash(cut);
        } finally {
            this.cut = null;
        }
    }

    /** Starts a cut between two batches: from now on the writer keeps what it overwrites for it. */
    Cut beginCut() {
        batchLock.readLock().lock();
        try {
            var started = new Cut(new TreeMap<>(positions));
            cut = started;
            return started;
        } finally {
            batchLock.readLock().unlock();
        }
    }

    /** The digest of the accounts as they stood at {@code cut}, however much was written since. */
    Snapshot hash(Cut cut) {
        var digest = new StateDigest();
        // Weakly consistent: sees every account that existed at the cut, perhaps newer values and
        // newer accounts, which the cut replaces and leaves out.
        for (var entry : accounts.entrySet()) {
            var atCut = cut.atCut(entry.getKey(), entry.getValue());
            if (atCut != null) {
                digest.add(atCut);
            }
        }
        return new Snapshot(digest.accounts(), digest.totalBalance(), digest.hex(), cut.positions);
    }

    /**
     * What the writer overwrote since a cut began: each account's value at the cut, kept on its
     * first write after it, and the accounts opened since. The writer records here before it
     * writes the map, so a reader that read the map first and then finds nothing here read the
     * value at the cut.
     */
    static final class Cut {

        private final Map<Integer, Long> positions;
        private final ConcurrentMap<String, Optional<Account>> before = new ConcurrentHashMap<>();

        private Cut(Map<Integer, Long> positions) {
            this.positions = positions;
        }

        void keep(String accountId, Account valueAtCut) {
            before.putIfAbsent(accountId, Optional.ofNullable(valueAtCut));
        }

        /** The account as it was at the cut, or null if it was opened since. */
        Account atCut(String accountId, Account readFromMap) {
            var kept = before.get(accountId);
            return kept == null ? readFromMap : kept.orElse(null);
        }
    }
}
