package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class PendingFollowUpsTest {

    private static final long RETRY = Duration.ofSeconds(10).toNanos();
    private static final IntPredicate ALL = partition -> true;

    /** Bob's records are on partition 3, any other account's on 5. */
    private final PendingFollowUps pending = new PendingFollowUps(Duration.ofNanos(RETRY), accountId -> accountId.equals("bob") ? 3 : 5);

    private static LedgerEvent credit(String transferId) {
        return new LedgerEvent(transferId + "/alice/credit", "bob", "c-" + transferId, Instant.EPOCH, null, null,
                new Payload.TransferCreditRequested(transferId, "alice", 30, "EUR", "rent"));
    }

    private static List<String> ids(List<LedgerEvent> events) {
        return events.stream().map(LedgerEvent::eventId).toList();
    }

    @Test
    void onlyTheFollowUpsOfOwnedPartitionsAreDueInTheOrderDecided() {
        pending.decided(0, credit("t1"), null);
        pending.decided(1, credit("t2"), null);
        pending.decided(0, credit("t3"), null);

        assertThat(ids(pending.due(partition -> partition == 0, Set.of(), 0, 10))).containsExactly("t1/alice/credit", "t3/alice/credit");
    }

    @Test
    void aPublishedFollowUpIsDueAgainOnlyAfterTheRetryInterval() {
        pending.decided(0, credit("t1"), null);
        pending.due(ALL, Set.of(), 0, 10);

        assertThat(pending.due(ALL, Set.of(), RETRY - 1, 10)).isEmpty();
        assertThat(ids(pending.due(ALL, Set.of(), RETRY, 10))).containsExactly("t1/alice/credit");
        assertThat(pending.due(ALL, Set.of(), RETRY + 1, 10)).isEmpty();
    }

    @Test
    void aFollowUpPublishedLaterWaitsBehindTheOnesPublishedBefore() {
        pending.decided(0, credit("t1"), null);
        pending.due(ALL, Set.of(), 0, 10);
        pending.decided(0, credit("t2"), null);
        pending.due(ALL, Set.of(), 5, 10);

        assertThat(ids(pending.due(ALL, Set.of(), RETRY, 10))).containsExactly("t1/alice/credit");
        assertThat(ids(pending.due(ALL, Set.of(), RETRY + 5, 10))).containsExactly("t2/alice/credit");
    }

    @Test
    void aFollowUpAnOldRecordDecidedWaitsOneRetryIntervalUnlessSeen() {
        pending.decidedByOldRecord(0, credit("t1"), null, 100);
        pending.decidedByOldRecord(0, credit("t2"), null, 100);

        assertThat(pending.due(ALL, Set.of(), 100, 10)).isEmpty();
        pending.seen("t1/alice/credit", 3);
        assertThat(ids(pending.due(ALL, Set.of(), 100 + RETRY, 10))).containsExactly("t2/alice/credit");
    }

    @Test
    void aPartitionJustAssignedHasTheFollowUpsOfOldRecordsDueAtOnce() {
        pending.decidedByOldRecord(0, credit("t1"), null, 100);

        assertThat(ids(pending.due(ALL, Set.of(0), 101, 10))).containsExactly("t1/alice/credit");
    }

    @Test
    void whatAPartitionJustAssignedLeavesOverByTheLimitIsDueOnTheNextCall() {
        pending.decidedByOldRecord(0, credit("t1"), null, 100);
        pending.decidedByOldRecord(0, credit("t2"), null, 100);
        pending.decidedByOldRecord(0, credit("t3"), null, 100);

        assertThat(ids(pending.due(ALL, Set.of(0), 101, 2))).containsExactly("t1/alice/credit", "t2/alice/credit");
        assertThat(ids(pending.due(ALL, Set.of(), 102, 2))).containsExactly("t3/alice/credit");
        assertThat(pending.due(ALL, Set.of(), 103, 2)).isEmpty();
    }

    @Test
    void aPartitionJustAssignedHasEveryFollowUpDueAtOnce() {
        pending.decided(0, credit("t1"), null);
        pending.due(ALL, Set.of(), 0, 10);

        assertThat(ids(pending.due(ALL, Set.of(0), 1, 10))).containsExactly("t1/alice/credit");
    }

    @Test
    void whatIsLeftOverByTheLimitIsDueOnTheNextCall() {
        pending.decided(0, credit("t1"), null);
        pending.decided(0, credit("t2"), null);
        pending.decided(1, credit("t3"), null);

        assertThat(ids(pending.due(ALL, Set.of(), 0, 2))).containsExactly("t1/alice/credit", "t2/alice/credit");
        assertThat(ids(pending.due(ALL, Set.of(), 0, 2))).containsExactly("t3/alice/credit");
    }

    @Test
    void aFollowUpSeenOnTheTopicIsNeitherDueNorKept() {
        pending.decided(0, credit("t1"), null);
        pending.decided(0, credit("t2"), null);
        pending.due(ALL, Set.of(), 0, 1);
        pending.seen("t1/alice/credit", 3);
        pending.seen("t2/alice/credit", 3);

        assertThat(pending.due(ALL, Set.of(), RETRY, 10)).isEmpty();
        assertThat(pending.entries()).isEmpty();
    }

    @Test
    void aRecordUnderAFollowUpsIdOnAnotherPartitionIsNotThatFollowUp() {
        pending.decided(0, credit("t1"), null);
        pending.seen("t1/alice/credit", 5);

        assertThat(ids(pending.due(ALL, Set.of(), 0, 10))).containsExactly("t1/alice/credit");
    }

    @Test
    void aSnapshotKeepsThemInTheOrderDecidedWhateverWasPublished() {
        pending.decided(1, credit("t1"), null);
        pending.decided(0, credit("t2"), null);
        pending.due(partition -> partition == 0, Set.of(), 0, 10);

        assertThat(pending.entries()).containsExactly(new PendingFollowUps.Entry(1, credit("t1")), new PendingFollowUps.Entry(0, credit("t2")));
    }

    @Test
    void aFollowUpDecidedTwiceIsKeptOnce() {
        pending.decided(0, credit("t1"), null);
        pending.decided(0, credit("t1"), null);

        assertThat(ids(pending.due(ALL, Set.of(), 0, 10))).containsExactly("t1/alice/credit");
    }
}
