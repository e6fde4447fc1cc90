package dev.ledger.group;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.LedgerEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The follow-ups this instance has handed to the broker, by event id, across its consumers (a
 * partition may move from one to another). A claim reads what is due in the outbox without marking
 * it (marking cost a non-HOT update of every row: BENCHMARKS.md), so this is what keeps a claim from
 * taking an entry again: one in flight until the broker has answered for it and, if acknowledged, it
 * has left the outbox; one that did not leave (the broker or the database failed) for
 * {@code LEDGER_GROUP_FOLLOW_UP_RETRY} after that. A publication that outlasts the retry interval (a
 * slow broker) is still in flight, so it is never handed over twice.
 */
@ApplicationScoped
public class FollowUpsInFlight {

    private final long retryNanos;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Settled without leaving the outbox, by event id: when (System.nanoTime). */
    private final Map<String, Long> failed = new ConcurrentHashMap<>();

    @Inject
    FollowUpsInFlight(LedgerConfig config) {
        this(config.group().followUpRetry());
    }

    FollowUpsInFlight(Duration retry) {
        this.retryNanos = retry.toNanos();
    }

    /** Those of {@code followUps} that may be handed over now, marked in flight, in their order. */
    List<LedgerEvent> take(Collection<LedgerEvent> followUps) {
        forgetFailuresOlderThanRetry();
        var taken = new ArrayList<LedgerEvent>(followUps.size());
        for (var followUp : followUps) {
            if (!failed.containsKey(followUp.eventId()) && inFlight.add(followUp.eventId())) {
                taken.add(followUp);
            }
        }
        return taken;
    }

    /** Whether a claim should leave this outbox entry where it is: in flight, or failed less than the retry interval ago. */
    boolean handedOver(String eventId) {
        return inFlight.contains(eventId) || failed.containsKey(eventId);
    }

    /** How many entries {@link #handedOver} may leave out: what a claim reads beyond the room it has. */
    int handedOverCount() {
        return inFlight.size() + failed.size();
    }

    /** The broker has answered for each of {@code followUps}; those in {@code leftTheOutbox} were acknowledged and deleted. */
    void settled(Collection<LedgerEvent> followUps, Set<String> leftTheOutbox) {
        long now = System.nanoTime();
        for (var followUp : followUps) {
            if (!leftTheOutbox.contains(followUp.eventId())) {
                failed.put(followUp.eventId(), now);
            }
            inFlight.remove(followUp.eventId());
        }
    }

    private void forgetFailuresOlderThanRetry() {
        long now = System.nanoTime();
        failed.values().removeIf(settledAt -> now - settledAt >= retryNanos);
    }
}
