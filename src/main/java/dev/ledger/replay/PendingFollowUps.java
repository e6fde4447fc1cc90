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
import java.util.function.IntPredicate;

/**
 * Follow-ups that applying an event decided and that have not been seen on the topic yet, with the
 * partition of the event that decided them: its owner publishes them. Every replay instance keeps
 * them, so a new owner can publish what a dead one could not. Shared by the replay's applying
 * threads: each call holds this object's lock.
 */
final class PendingFollowUps {

    private static final long NEVER = Long.MIN_VALUE;

    private final Map<String, Pending> byEventId = new LinkedHashMap<>();
    private final long retryNanos;

    PendingFollowUps(Duration retry) {
        this.retryNanos = retry.toNanos();
    }

    /** {@code trace}: the context of the traced apply that decided it, or null. */
    synchronized void decided(int sourcePartition, LedgerEvent followUp, Context trace) {
        byEventId.putIfAbsent(followUp.eventId(), new Pending(sourcePartition, followUp, trace));
    }

    synchronized void seen(String eventId) {
        byEventId.remove(eventId);
    }

    /**
     * The follow-ups to publish now, at most {@code limit}: those of owned partitions never
     * published by this instance, published longer than the retry interval ago, or whose partition
     * was just assigned here. Those left over stay due for the next call.
     */
    synchronized List<LedgerEvent> due(IntPredicate owned, Set<Integer> newlyOwned, long nowNanos, int limit) {
        var due = new ArrayList<LedgerEvent>();
        for (var pending : byEventId.values()) {
            if (due.size() == limit) {
                break;
            }
            if (owned.test(pending.sourcePartition)
                    && (pending.publishedAt == NEVER || nowNanos - pending.publishedAt >= retryNanos
                    || newlyOwned.contains(pending.sourcePartition))) {
                pending.publishedAt = nowNanos;
                due.add(pending.event);
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

    private static final class Pending {
        final int sourcePartition;
        final LedgerEvent event;
        final Context trace;
        long publishedAt = NEVER;

        Pending(int sourcePartition, LedgerEvent event, Context trace) {
            this.sourcePartition = sourcePartition;
            this.event = event;
            this.trace = trace;
        }
    }
}
