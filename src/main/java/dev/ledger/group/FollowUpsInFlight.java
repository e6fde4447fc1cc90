package dev.ledger.group;

import dev.ledger.domain.LedgerEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The follow-ups this instance has handed to the broker and not yet seen acknowledged or failed, by
 * event id, across its consumers (a partition may move from one to another). A claim marks the
 * entries it takes published now, so they are due again only after {@code LEDGER_GROUP_FOLLOW_UP_RETRY};
 * a publication that outlasts that (a slow broker) would be claimed and sent a second time. Consumers
 * therefore claim while their earlier windows are still in flight, and leave out what is here.
 */
@ApplicationScoped
public class FollowUpsInFlight {

    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    /** Those of {@code followUps} that were not in flight, now marked in flight, in their order. */
    List<LedgerEvent> take(Collection<LedgerEvent> followUps) {
        var taken = new ArrayList<LedgerEvent>(followUps.size());
        for (var followUp : followUps) {
            if (ids.add(followUp.eventId())) {
                taken.add(followUp);
            }
        }
        return taken;
    }

    /** Acknowledged or failed, and its outbox entry deleted if acknowledged: a later claim may take it again. */
    void settled(Collection<LedgerEvent> followUps) {
        followUps.forEach(followUp -> ids.remove(followUp.eventId()));
    }
}
