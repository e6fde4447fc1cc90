package dev.ledger.replay;

import dev.ledger.domain.LedgerEvent;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;

/**
 * Follow-ups that applying an event decided and that have not been seen on the topic yet, with the
 * partition of the event that decided them: its owner publishes them. Every replay instance keeps
 * them, so a new owner can publish what a dead one could not. Shared by the replay's applying
 * threads: each call holds this object's lock.
 *
 * <p>{@link #due} is called after every applied batch, and a backlog's transfers can leave hundreds
 * of thousands waiting, mostly for other instances to publish: it looks only at the partitions
 * owned here, and in each only at those never published and the oldest published. Walking them
 * all took most of a replay instance's CPU while a group instance published a catch-up's
 * follow-ups (BENCHMARKS.md).
 */
final class PendingFollowUps {

    /** Every follow-up waiting, in the order decided. */
    private final Map<String, Pending> byEventId = new LinkedHashMap<>();
    /** The same, by the partition whose owner publishes them. */
    private final Map<Integer, Partition> byPartition = new TreeMap<>();
    private final long retryNanos;
    /** The partition of an account: where a follow-up for it is applied. */
    private final ToIntFunction<String> partitionOf;

    PendingFollowUps(Duration retry, ToIntFunction<String> partitionOf) {
        this.retryNanos = retry.toNanos();
        this.partitionOf = partitionOf;
    }

    /** {@code trace}: the context of the traced apply that decided it, or null. */
    synchronized void decided(int sourcePartition, LedgerEvent followUp, Context trace) {
        add(new Pending(sourcePartition, followUp, trace));
    }

    /**
     * Decided by a record written longer than the retry interval ago: history reaching an owner that
     * had caught up (a topic filled from an older one, an instance resuming after a freeze). The
     * copy the record's owner published then may well be further on in the topic, on a partition
     * not read that far yet; published at once, it was written twice. So it waits one retry
     * interval from {@code nowNanos}, as if published then, unless seen meanwhile; on a partition
     * assigned here after it was decided it is due at once, with the rest.
     */
    synchronized void decidedByOldRecord(int sourcePartition, LedgerEvent followUp, Context trace, long nowNanos) {
        var pending = new Pending(sourcePartition, followUp, trace);
        pending.published = true;
        pending.publishedAt = nowNanos;
        add(pending);
    }

    private void add(Pending pending) {
        if (byEventId.putIfAbsent(pending.event.eventId(), pending) == null) {
            var partition = byPartition.computeIfAbsent(pending.sourcePartition, number -> new Partition());
            (pending.published ? partition.published : partition.unpublished).put(pending.event.eventId(), pending);
        }
    }

    /**
     * A follow-up with this id was applied on {@code partition}: the one waiting under the id is
     * seen if that is its account's partition (a forged record elsewhere under its id is not it).
     */
    synchronized void seen(String eventId, int appliedOn) {
        var pending = byEventId.get(eventId);
        if (pending != null && partitionOf.applyAsInt(pending.event.accountId()) == appliedOn) {
            byEventId.remove(eventId);
            var partition = byPartition.get(pending.sourcePartition);
            (pending.published ? partition.published : partition.unpublished).remove(eventId);
        }
    }

    /**
     * The follow-ups to publish now, at most {@code limit}: those of owned partitions never
     * published by this instance, published longer than the retry interval ago, or whose partition
     * was just assigned here. Those left over stay due for the next call.
     */
    synchronized List<LedgerEvent> due(IntPredicate owned, Set<Integer> newlyOwned, long nowNanos, int limit) {
        var due = new ArrayList<LedgerEvent>();
        for (var entry : byPartition.entrySet()) {
            if (due.size() == limit) {
                break;
            }
            if (owned.test(entry.getKey())) {
                var partition = entry.getValue();
                if (newlyOwned.contains(entry.getKey())) {
                    partition.assigned(nowNanos);
                }
                partition.takeDue(due, limit, partition.publishedBy(nowNanos - retryNanos), nowNanos);
            }
        }
        return due;
    }

    /** Every follow-up waiting, in the order decided: what a snapshot keeps of them. */
    synchronized List<Entry> entries() {
        return byEventId.values().stream().map(pending -> new Entry(pending.sourcePartition, pending.event)).toList();
    }

    /** A follow-up waiting to be seen, and the partition whose owner publishes it. */
    record Entry(int sourcePartition, LedgerEvent event) {
    }

    /** By event id, the trace each of {@code followUps} continues, for those decided in one. */
    synchronized Map<String, Context> traces(List<LedgerEvent> followUps) {
        var traces = new HashMap<String, Context>();
        for (var followUp : followUps) {
            var pending = byEventId.get(followUp.eventId());
            if (pending != null && pending.trace != null) {
                traces.put(followUp.eventId(), pending.trace);
            }
        }
        return traces;
    }

    /** One partition's follow-ups: never published in the order decided, published in the order of their last publication. */
    private static final class Partition {
        final LinkedHashMap<String, Pending> unpublished = new LinkedHashMap<>();
        final LinkedHashMap<String, Pending> published = new LinkedHashMap<>();
        /**
         * When the partition was last assigned here: what was waiting then stays due until published,
         * beyond the call that first took some of it (the publisher's window bounds each call).
         */
        private boolean assigned;
        private long assignedAt;

        void assigned(long nowNanos) {
            assigned = true;
            assignedAt = nowNanos;
        }

        /**
         * Due are those last published at or before this: the retry interval ago, or just before the
         * assignment if later (those published at the assignment's call were taken then).
         */
        long publishedBy(long retriedBy) {
            return assigned && assignedAt - 1 - retriedBy > 0 ? assignedAt - 1 : retriedBy;
        }

        /** Adds to {@code due} up to {@code limit}: every unpublished one, then those last published at or before {@code publishedBy}. */
        void takeDue(List<LedgerEvent> due, int limit, long publishedBy, long nowNanos) {
            var taken = new ArrayList<Pending>();
            for (var queue : List.of(unpublished, published)) {
                for (var iterator = queue.values().iterator(); iterator.hasNext() && due.size() < limit; ) {
                    var pending = iterator.next();
                    if (pending.published && pending.publishedAt - publishedBy > 0) {
                        break; // the rest were published later still
                    }
                    iterator.remove();
                    taken.add(pending);
                    due.add(pending.event);
                }
            }
            for (var pending : taken) {
                pending.published = true;
                pending.publishedAt = nowNanos;
                published.put(pending.event.eventId(), pending);
            }
        }
    }

    private static final class Pending {
        final int sourcePartition;
        final LedgerEvent event;
        final Context trace;
        boolean published;
        long publishedAt;

        Pending(int sourcePartition, LedgerEvent event, Context trace) {
            this.sourcePartition = sourcePartition;
            this.event = event;
            this.trace = trace;
        }
    }
}
