package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FollowUpsInFlightTest {

    private static LedgerEvent credit(String transferId) {
        return new LedgerEvent(transferId + "/alice/credit", "bob", "c-" + transferId, Instant.EPOCH, null, null,
                new Payload.TransferCreditRequested(transferId, "alice", 30, "EUR", "rent"));
    }

    @Test
    void aFollowUpInFlightIsNotHandedOverAgain() {
        var inFlight = new FollowUpsInFlight(Duration.ofHours(1));
        var t1 = credit("t1");

        assertThat(inFlight.take(List.of(t1))).containsExactly(t1);
        assertThat(inFlight.take(List.of(t1, credit("t2")))).extracting(LedgerEvent::eventId).containsExactly("t2/alice/credit");
        assertThat(inFlight.handedOver(t1.eventId())).isTrue();
        assertThat(inFlight.handedOverCount()).isEqualTo(2);
    }

    @Test
    void aFollowUpThatLeftTheOutboxMayBeHandedOverAgainAtOnce() {
        var inFlight = new FollowUpsInFlight(Duration.ofHours(1));
        var t1 = credit("t1");
        inFlight.take(List.of(t1));

        inFlight.settled(List.of(t1), Set.of(t1.eventId()));

        assertThat(inFlight.handedOver(t1.eventId())).isFalse();
        assertThat(inFlight.handedOverCount()).isZero();
        assertThat(inFlight.take(List.of(t1))).containsExactly(t1);
    }

    @Test
    void aFollowUpThatStayedInTheOutboxWaitsForTheRetryInterval() {
        var inFlight = new FollowUpsInFlight(Duration.ofHours(1));
        var t1 = credit("t1");
        inFlight.take(List.of(t1));

        inFlight.settled(List.of(t1), Set.of());

        assertThat(inFlight.handedOver(t1.eventId())).isTrue();
        assertThat(inFlight.take(List.of(t1))).isEmpty();
    }

    @Test
    void aFollowUpThatStayedInTheOutboxIsHandedOverAgainOnceTheRetryIntervalHasPassed() {
        var inFlight = new FollowUpsInFlight(Duration.ZERO);
        var t1 = credit("t1");
        inFlight.take(List.of(t1));
        inFlight.settled(List.of(t1), Set.of());

        assertThat(inFlight.take(List.of(t1))).containsExactly(t1);
        assertThat(inFlight.handedOver(t1.eventId())).isTrue();
    }
}
