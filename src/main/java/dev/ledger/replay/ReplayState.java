package dev.ledger.replay;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.IdempotencyRetention;
import dev.ledger.domain.LedgerView;
import dev.ledger.domain.LedgerWriter;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.Transfers;
import dev.ledger.pipeline.LedgerQueries;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * Replay mode's state, in memory. Each partition has one writer at a time (an applying thread of
 * the replay consumer, a batch at a time under {@link #writeBatch}, through that partition's
 * {@link #writer}); any number of threads read the concurrent maps without waiting. An account is
 * written only by its partition's writer; a transfer by the writers of its sender's and
 * receiver's partitions, one at a time under {@link #transferLock}. A singleton, not application
 * scoped: the replay threads call it several times per event, and a client proxy would look the
 * bean up each time.
 *
 * <p>Idempotency records (command results, applied follow-up ids) expire by event time: before each
 * event of a partition is decided, its horizon moves, past which {@link CommandResults} no longer
 * reads that partition's results and a queue ordered by event time drops its applied follow-up ids,
 * so an expired record is never read and the state grows with recent commands, not with history.
 */
@Singleton
@Typed(ReplayState.class)
public class ReplayState implements LedgerView, LedgerWriter, LedgerQueries {

    /** Read and written on every event: hashed, not sorted; the order is kept apart, changed only by openings. */
    private final AccountColumns accounts = new AccountColumns();
    private final AccountOrder order = new AccountOrder(accounts);
    /** By transfer id, every sender's transfer under it: almost always one. */
    private final ConcurrentMap<String, List<Transfer>> transfers = new ConcurrentHashMap<>();
    /** By id and the partition it was applied on: a follow-up id is its partition's own, as a command id is its account's. */
    private final ConcurrentMap<FollowUpKey, AppliedFollowUp> appliedFollowUps = new ConcurrentHashMap<>();
    /** What the newest snapshot restored of the applied follow-up ids, looked up when the live map misses. */
    private volatile RestoredFollowUps restoredFollowUps = RestoredFollowUps.NONE;
    private final CommandResults commands = new CommandResults(accounts);
    private final ConcurrentMap<Integer, Long> positions = new ConcurrentHashMap<>();
    private final IdempotencyRetention retention;
    /** Per partition, its newest event time and its applied follow-up ids by event time; each its writer's alone. */
    private final ConcurrentMap<Integer, EventClock> clocks = new ConcurrentHashMap<>();
    /** The writer {@link #beginEvent} last named, for callers that write one partition at a time through this class. */
    private Writer current;
    /** Shared by the writers for their batches; a cut takes it alone, only to start, between batches. */
    private final ReadWriteLock batchLock = new ReentrantReadWriteLock();
    private final Object[] transferLocks = new Object[64];
    /** One cut at a time: a digest waits for it, a snapshot tries again later. */
    private final Semaphore cutTaken = new Semaphore(1);
    /** The one cut being read, or null; the writer keeps what it overwrites for it. */
    private volatile Cut cut;
    /** Cuts begun so far; changed only while the writers wait for a cut to begin. */
    private int cuts;

    @Inject
    ReplayState(LedgerConfig config) {
        this(new IdempotencyRetention(config.idempotencyRetention()));
    }

    ReplayState(IdempotencyRetention retention) {
        this.retention = retention;
        Arrays.setAll(transferLocks, i -> new Object());
    }

    /**
     * Runs one consumed batch: its decisions are written and its positions advanced as one step, for a
     * cut. Writers of other partitions may run theirs at the same time.
     */
    public void writeBatch(Runnable batch) {
        batchLock.readLock().lock();
        try {
            batch.run();
        } finally {
            batchLock.readLock().unlock();
        }
    }

    /** The writer of {@code partition}'s events: to be used by one thread at a time, within {@link #writeBatch}. */
    Writer writer(int partition) {
        return new Writer(clocks.computeIfAbsent(partition, EventClock::new));
    }

    /**
     * Held while an event that reads and writes the transfer {@code transferId} is decided and
     * written: the sender's and the receiver's partitions may be applied by two threads, and each
     * must decide on what the other wrote.
     */
    Object transferLock(String transferId) {
        return transferLocks[transferId.hashCode() & (transferLocks.length - 1)];
    }

    /** As {@link Writer#beginEvent}, for {@code partition}; {@link #putCommand} and {@link #markFollowUpApplied} then write for it. */
    void beginEvent(int partition, Instant timestamp) {
        current = writer(partition);
        current.beginEvent(timestamp);
    }

    private void expire(AppliedFollowUp followUp) {
        var key = followUp.key();
        if (appliedFollowUps.get(key) == followUp) {
            var reading = cut;
            if (reading != null && followUp.cuts() < reading.number) {
                reading.followUps.keep(key, followUp);
            }
            appliedFollowUps.remove(key, followUp);
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
    public Optional<CommandResult> command(String accountId, String commandId) {
        return commands.get(commandId, accountId);
    }

    /** The result under this command id, on whichever account (only forged records put one id on two). */
    public Optional<CommandResult> command(String commandId) {
        return commands.get(commandId);
    }

    /** Whether the follow-up with this id was applied on any partition (only forged records apply one id on two). */
    @Override
    public boolean followUpApplied(String eventId) {
        return clocks.keySet().stream().anyMatch(partition -> followUpApplied(eventId, partition));
    }

    /**
     * Whether the follow-up with this id was applied on {@code partition}. Only there: the same id
     * on a record of another partition, which only a faulty or forged producer writes, is another
     * follow-up, so that whether a partition applies it never depends on how far another one is.
     */
    boolean followUpApplied(String eventId, int partition) {
        var key = new FollowUpKey(eventId, partition);
        return appliedFollowUps.containsKey(key)
                || restoredFollowUps.contains(eventId, partition, accounts, () -> appliedFollowUps.containsKey(key));
    }

    @Override
    public void putAccount(Account account) {
        // Nothing to keep for a cut: it copied every balance and version when it began.
        if (accounts.put(account)) {
            order.opened();
        }
    }

    @Override
    public void putTransfer(Transfer transfer) {
        var reading = cut;
        transfers.compute(transfer.transferId(), (id, sameId) -> {
            if (reading != null && sameId != null && !writtenAfter(sameId, reading)) {
                reading.transfers.keep(id, sameId);
            }
            List<Transfer> updated;
            if (sameId == null) {
                updated = List.of(transfer);
            } else {
                var others = new ArrayList<Transfer>(sameId.size() + 1);
                sameId.stream().filter(other -> !other.from().equals(transfer.from())).forEach(others::add);
                others.add(transfer);
                updated = List.copyOf(others);
            }
            return reading == null ? updated : new WrittenDuringCut(updated, reading.number);
        });
    }

    private static boolean writtenAfter(List<Transfer> sameId, Cut cut) {
        return sameId instanceof WrittenDuringCut written && written.cut >= cut.number;
    }

    /**
     * Transfers written while the cut numbered {@code cut} was being read: that cut leaves them out,
     * later ones take them. So the writer need not keep, for the cut, every transfer id it adds
     * meanwhile; once the cut ends they are made plain lists again ({@link #endCut}), so they take no
     * more room than the others.
     */
    private static final class WrittenDuringCut extends AbstractList<Transfer> {
        private final List<Transfer> transfers;
        private final int cut;

        WrittenDuringCut(List<Transfer> transfers, int cut) {
            this.transfers = transfers;
            this.cut = cut;
        }

        @Override
        public Transfer get(int index) {
            return transfers.get(index);
        }

        @Override
        public int size() {
            return transfers.size();
        }
    }

    /** Stored with the partition and time of the event {@link #beginEvent} named. */
    @Override
    public void putCommand(CommandResult command) {
        current.putCommand(command);
    }

    @Override
    public void markFollowUpApplied(String eventId) {
        current.markFollowUpApplied(eventId);
    }

    /** @param nextOffset the offset of the next record of that partition still to apply */
    public void advance(int partition, long nextOffset) {
        positions.put(partition, nextOffset);
    }

    // ---------------------------------------------------------------------------------------------
    // Restoring from a snapshot, before consumption starts, as one batch (see ReplaySnapshots)

    void restoreClock(int partition, long newestMicros) {
        clocks.computeIfAbsent(partition, EventClock::new).newestMicros = newestMicros;
    }

    void restoreCommand(CommandResult command, int partition, long eventMicros) {
        storeCommand(command, clocks.computeIfAbsent(partition, EventClock::new), eventMicros);
    }

    /** The command results a snapshot held in compact form; the clocks are restored already. */
    void restoreCommands(RestoredResults results) {
        commands.restore(results);
        clocks.forEach((partition, clock) -> commands.expire(partition, retention.horizon(clock.newestMicros)));
    }

    /** An applied follow-up id the snapshot held in no compact form. */
    void restoreFollowUp(String eventId, int partition, long eventMicros) {
        storeFollowUp(eventId, clocks.computeIfAbsent(partition, EventClock::new), eventMicros);
    }

    /** The applied follow-up ids a snapshot held in compact form; the clocks are restored already. */
    void restoreFollowUps(RestoredFollowUps followUps) {
        restoredFollowUps = followUps;
        clocks.forEach((partition, clock) -> followUps.expire(partition, retention.horizon(clock.newestMicros)));
    }

    /** The row of an account, for ids restored in compact form, which name their accounts by row; -1 for none. */
    int accountRow(String accountId) {
        return accounts.row(accountId);
    }

    private void storeCommand(CommandResult command, EventClock clock, long eventMicros) {
        commands.put(command, clock.partition, eventMicros);
    }

    private void storeFollowUp(String eventId, EventClock clock, long eventMicros) {
        var applied = new AppliedFollowUp(eventId, clock.partition, eventMicros, cuts);
        var key = applied.key();
        var reading = cut;
        if (reading != null) {
            var before = appliedFollowUps.get(key);
            if (before != null && before.cuts() < reading.number) {
                reading.followUps.keep(key, before);
            }
        }
        appliedFollowUps.put(key, applied);
        restoredFollowUps.supersede(eventId, clock.partition, accounts);
        clock.byTime.add(applied);
    }

    /** Forgets everything: a snapshot that failed to load halfway leaves nothing behind. */
    void clear() {
        writeBatch(() -> {
            accounts.clear();
            order.clear();
            transfers.clear();
            appliedFollowUps.clear();
            restoredFollowUps = RestoredFollowUps.NONE;
            commands.clear();
            positions.clear();
            clocks.clear();
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Reads for the API

    @Override
    public Uni<Optional<Account>> findAccount(String accountId) {
        return Uni.createFrom().item(account(accountId));
    }

    @Override
    public Uni<List<Account>> listAccounts(String after, int limit) {
        var rows = order.sorted();
        var page = new ArrayList<Account>(Math.min(limit, rows.length));
        for (int i = AccountOrder.after(rows, after, accounts); i < rows.length && page.size() < limit; i++) {
            var account = accounts.account(rows[i]);
            // Null only for a row cleared since (a snapshot that failed to load).
            if (account != null) {
                page.add(account);
            }
        }
        return Uni.createFrom().item(page);
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

    // ---------------------------------------------------------------------------------------------
    // Cuts: the state as it stood between two batches, read while the writer goes on

    /**
     * The accounts as they stood between two batches, hashed on a worker thread while the writer
     * goes on: the lock is held only to start the cut, never while hashing.
     */
    @Override
    public Uni<Snapshot> digest() {
        return Uni.createFrom().item(this::digestNow).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** The digest of a cut taken now, on this thread; waits while another cut is being read. */
    Snapshot digestNow() {
        cutTaken.acquireUninterruptibly();
        var started = beginCut(() -> {
        });
        try {
            return hash(started);
        } finally {
            endCut();
        }
    }

    /**
     * Starts a cut between two batches, unless one is being read: from now on the writer keeps what
     * it overwrites for it. {@code atCut} runs between the same two batches, to copy what the
     * writer's thread alone holds. End it with {@link #endCut}.
     *
     * @return the cut, or null when another is being read
     */
    Cut tryBeginCut(Runnable atCut) {
        return cutTaken.tryAcquire() ? beginCut(atCut) : null;
    }

    /** Starts a cut; the caller holds {@link #cutTaken}. */
    Cut beginCut(Runnable atCut) {
        batchLock.writeLock().lock();
        try {
            var newest = new TreeMap<Integer, Long>();
            clocks.forEach((partition, clock) -> newest.put(partition, clock.newestMicros));
            var started = new Cut(++cuts, new TreeMap<>(positions), newest, Instant.now(), accounts.cut(),
                    restoredFollowUps.supersededAtCut());
            commands.beginCut();
            cut = started;
            atCut.run();
            return started;
        } finally {
            batchLock.writeLock().unlock();
        }
    }

    void endCut() {
        cut = null;
        commands.endCut();
        // A writer that still saw the cut may wrap one more: it then stays wrapped, which only takes 24 bytes.
        transfers.forEach((id, sameId) -> {
            if (sameId instanceof WrittenDuringCut written) {
                transfers.replace(id, written, written.transfers);
            }
        });
        cutTaken.release();
    }

    /** The digest of the accounts as they stood at {@code cut}, however much was written since. */
    Snapshot hash(Cut cut) {
        var digest = new StateDigest();
        forEachAccountAtCut(cut, (account, row) -> digest.add(account));
        return new Snapshot(digest.accounts(), digest.totalBalance(), digest.hex(), cut.positions);
    }

    /** The accounts at {@code cut}, in id order, each with its row. */
    void forEachAccountAtCut(Cut cut, ObjIntConsumer<Account> action) {
        // Every row opened before the cut, perhaps newer ones, which the cut leaves out (accounts are never removed).
        for (int row : order.sorted()) {
            if (row < cut.accounts.rows()) {
                action.accept(cut.accounts.account(row), row);
            }
        }
    }

    /** How many accounts {@code cut} holds: their rows are those below. */
    int accountRowsAtCut(Cut cut) {
        return cut.accounts.rows();
    }

    /** The row of an account at {@code cut}, or -1 for one opened after it or never. */
    int accountRowAtCut(Cut cut, String accountId) {
        return cut.accounts.row(accountId);
    }

    /** Every transfer at {@code cut} (one changed meanwhile may come twice: restoring it twice does no harm). */
    void forEachTransferAtCut(Cut cut, Consumer<Transfer> action) {
        cut.transfers.forEach(transfers, sameId -> writtenAfter(sameId, cut), (id, sameId) -> sameId.forEach(action));
    }

    /** @param accountIndex where the snapshot being written holds each account */
    void forEachCommandAtCut(Cut cut, CommandResults.AccountIndex accountIndex, CommandResults.AtCutConsumer action) {
        commands.forEachAtCut(partition -> retention.horizon(cut.newestMicros.getOrDefault(partition, Long.MIN_VALUE)),
                accountIndex, action);
    }

    void forEachFollowUpAtCut(Cut cut, Consumer<AppliedFollowUp> action) {
        cut.followUps.forEach(appliedFollowUps, applied -> applied.cuts() >= cut.number, (id, applied) -> action.accept(applied));
        restoredFollowUps.forEachAtCut(cut.followUpsSuperseded,
                partition -> retention.horizon(cut.newestMicros.getOrDefault(partition, Long.MIN_VALUE)), accounts,
                (eventId, partition, eventMicros) -> action.accept(new AppliedFollowUp(eventId, partition, eventMicros, 0)));
    }

    /**
     * What a cut reads: the accounts as copied when it began, and each map's values at the cut: those
     * written since say so, and the writer keeps those it overwrites or removes.
     */
    static final class Cut {

        /** How many cuts had begun, this one included: a value written since carries this number or more. */
        final int number;
        final Map<Integer, Long> positions;
        /** Per partition, the newest event time applied at the cut. */
        final Map<Integer, Long> newestMicros;
        final Instant takenAt;
        private final AccountColumns.Cut accounts;
        private final AtCut<String, List<Transfer>> transfers = new AtCut<>();
        private final AtCut<FollowUpKey, AppliedFollowUp> followUps = new AtCut<>();
        /** The restored follow-up ids applied live again before the cut: the cut leaves them out. */
        private final long[] followUpsSuperseded;

        private Cut(int number, Map<Integer, Long> positions, Map<Integer, Long> newestMicros, Instant takenAt,
                    AccountColumns.Cut accounts, long[] followUpsSuperseded) {
            this.number = number;
            this.positions = positions;
            this.newestMicros = newestMicros;
            this.takenAt = takenAt;
            this.accounts = accounts;
            this.followUpsSuperseded = followUpsSuperseded;
        }
    }

    /**
     * A follow-up applied on {@code partition}, from an event of that time, when {@code cuts} cuts had
     * begun (a cut of that number or lower leaves it out).
     */
    record AppliedFollowUp(String eventId, int partition, long eventMicros, int cuts) {
        FollowUpKey key() {
            return new FollowUpKey(eventId, partition);
        }
    }

    /** An applied follow-up's id and the partition it was applied on. */
    private record FollowUpKey(String eventId, int partition) {
    }

    /**
     * What the rules read and write for the events of one partition: the whole state, with the
     * idempotency records dated by the partition's own clock.
     */
    final class Writer implements LedgerView, LedgerWriter {

        private final EventClock clock;
        private long eventMicros;

        private Writer(EventClock clock) {
            this.clock = clock;
        }

        /**
         * Called before an event of this partition is decided: advances the partition's newest event
         * time and drops the idempotency records that fell out of the retention, so the rules never
         * see them; what the decision stores is dated {@code timestamp}.
         */
        void beginEvent(Instant timestamp) {
            eventMicros = IdempotencyRetention.micros(timestamp);
            if (eventMicros > clock.newestMicros) {
                clock.newestMicros = eventMicros;
            }
            long horizon = retention.horizon(clock.newestMicros);
            commands.expire(clock.partition, horizon);
            for (AppliedFollowUp oldest; (oldest = clock.byTime.peek()) != null && oldest.eventMicros() < horizon; ) {
                clock.byTime.poll();
                expire(oldest);
            }
            restoredFollowUps.expire(clock.partition, horizon);
        }

        @Override
        public Optional<Account> account(String accountId) {
            return ReplayState.this.account(accountId);
        }

        @Override
        public Optional<Transfer> transfer(String transferId, String from) {
            return ReplayState.this.transfer(transferId, from);
        }

        @Override
        public Optional<CommandResult> command(String accountId, String commandId) {
            return ReplayState.this.command(accountId, commandId);
        }

        @Override
        public boolean followUpApplied(String eventId) {
            return ReplayState.this.followUpApplied(eventId, clock.partition);
        }

        @Override
        public void putAccount(Account account) {
            ReplayState.this.putAccount(account);
        }

        @Override
        public void putTransfer(Transfer transfer) {
            ReplayState.this.putTransfer(transfer);
        }

        @Override
        public void putCommand(CommandResult command) {
            storeCommand(command, clock, eventMicros);
        }

        @Override
        public void markFollowUpApplied(String eventId) {
            storeFollowUp(eventId, clock, eventMicros);
        }
    }

    /** One partition's newest event time and its applied follow-up ids, oldest event time first (command results expire in {@link CommandResults}). */
    private static final class EventClock {
        final int partition;
        long newestMicros = Long.MIN_VALUE;
        final PriorityQueue<AppliedFollowUp> byTime = new PriorityQueue<>(Comparator.comparingLong(AppliedFollowUp::eventMicros));

        EventClock(int partition) {
            this.partition = partition;
        }
    }
}
