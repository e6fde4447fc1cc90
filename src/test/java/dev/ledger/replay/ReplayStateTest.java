package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.IdempotencyRetention;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The digest reads a cut taken between two batches, while the consumer goes on writing: it must
 * neither wait for the hash nor change what the hash sees.
 */
class ReplayStateTest {

    private static final IdempotencyRetention WEEK = new IdempotencyRetention(Duration.ofDays(7));

    private final ReplayState state = new ReplayState(WEEK);

    private void batch(int position, Runnable writes) {
        state.writeBatch(() -> {
            writes.run();
            state.advance(0, position);
        });
    }

    private static Account account(String id, long balance, long version) {
        return new Account(id, "Ada", "EUR", balance, version);
    }

    @Test
    void batchesWrittenWhileADigestIsBeingTakenNeitherWaitForItNorChangeIt() {
        batch(2, () -> {
            state.putAccount(account("a", 10, 1));
            state.putAccount(account("b", 20, 1));
        });
        var atCut = new ReplayState(WEEK);
        atCut.writeBatch(() -> {
            atCut.putAccount(account("a", 10, 1));
            atCut.putAccount(account("b", 20, 1));
            atCut.advance(0, 2);
        });
        var expected = atCut.digestNow();

        var cut = state.tryBeginCut(() -> {
        });
        // The writer goes on, on this very thread: it would deadlock if the cut held the batch lock.
        batch(4, () -> {
            state.putAccount(account("a", 15, 2));
            state.putAccount(account("c", 5, 1));
        });
        batch(5, () -> state.putAccount(account("a", 30, 3)));

        assertThat(state.hash(cut)).isEqualTo(expected);
        state.endCut();
        assertThat(state.digest().await().indefinitely().accounts()).isEqualTo(3);
        assertThat(state.digest().await().indefinitely().positions()).containsEntry(0, 5L);
    }

    @Test
    void accountsArePagedInIdOrderWhateverOrderTheyWereOpenedIn() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 3_000; i++) {
            ids.add("acc-" + (i * 7919 % 3_000));
        }
        // Enough openings that some are merged into the order by the writer, the rest by the reader.
        batch(1, () -> ids.forEach(id -> state.putAccount(account(id, 0, 1))));
        batch(2, () -> state.putAccount(account("acc-7", 5, 2)));

        var sorted = ids.stream().sorted().toList();
        var firstPage = state.listAccounts(null, 100).await().indefinitely();
        var nextPage = state.listAccounts(firstPage.get(99).accountId(), 5_000).await().indefinitely();
        assertThat(firstPage).extracting(Account::accountId).isEqualTo(sorted.subList(0, 100));
        assertThat(nextPage).extracting(Account::accountId).isEqualTo(sorted.subList(100, 3_000));
        assertThat(state.listAccounts("acc-7", 1).await().indefinitely()).extracting(Account::accountId)
                .containsExactly(sorted.get(sorted.indexOf("acc-7") + 1));
        assertThat(state.account("acc-7")).contains(account("acc-7", 5, 2));
        assertThat(state.digest().await().indefinitely().accounts()).isEqualTo(3_000);
    }

    @Test
    void idempotencyRecordsExpireOnlyByTheirOwnPartitionsNewestEventTime() {
        var start = Instant.parse("2026-03-01T00:00:00Z");
        var result = new CommandResult("c1", "a", null, null, null, null, null);
        state.writeBatch(() -> {
            state.beginEvent(0, start);
            state.putAccount(account("a", 0, 1));
            state.putCommand(result);
            state.markFollowUpApplied("t1/a/credit");
            // Another partition's clock runs far ahead: it expires nothing of partition 0.
            state.beginEvent(1, start.plus(Duration.ofDays(30)));
            state.beginEvent(0, start.plus(Duration.ofDays(7)));
        });
        assertThat(state.command("c1")).contains(result);
        assertThat(state.followUpApplied("t1/a/credit")).isTrue();

        state.writeBatch(() -> state.beginEvent(0, start.plus(Duration.ofDays(7)).plusNanos(1_000)));

        assertThat(state.command("c1")).isEmpty();
        assertThat(state.followUpApplied("t1/a/credit")).isFalse();
    }

    @Test
    void aCommandStoredAgainAfterItExpiredIsNotDroppedByItsEarlierExpiry() {
        var start = Instant.parse("2026-03-01T00:00:00Z");
        var first = new CommandResult("c1", "a", null, null, null, null, null);
        var again = new CommandResult("c1", "a", null, null, Rejection.ACCOUNT_NOT_FOUND, null, null);
        state.writeBatch(() -> {
            state.beginEvent(0, start);
            state.putCommand(first);
            state.beginEvent(0, start.plus(Duration.ofDays(8)));
            state.putCommand(again);
            state.beginEvent(0, start.plus(Duration.ofDays(9)));
        });

        assertThat(state.command("c1")).contains(again);
    }

    private static Transfer transfer(String id, TransferStatus status) {
        return new Transfer(id, "a", "b", 5, "EUR", status, null, true, null);
    }

    private List<String> transfersAtCut(ReplayState.Cut cut) {
        var seen = new ArrayList<String>();
        state.forEachTransferAtCut(cut, transfer -> seen.add(transfer.transferId() + ":" + transfer.status()));
        return seen;
    }

    private List<String> followUpsAtCut(ReplayState.Cut cut) {
        var seen = new ArrayList<String>();
        state.forEachFollowUpAtCut(cut, applied -> seen.add(applied.eventId()));
        return seen;
    }

    @Test
    void aCutReadsTransfersAndFollowUpsAsTheyWereWhenItBeganAndTheNextCutReadsWhatCameMeanwhile() {
        var start = Instant.parse("2026-01-01T00:00:00Z");
        batch(1, () -> {
            state.putTransfer(transfer("t-1", TransferStatus.PENDING));
            state.beginEvent(0, start);
            state.markFollowUpApplied("f-1");
        });

        var cut = state.tryBeginCut(() -> {
        });
        batch(2, () -> {
            state.putTransfer(transfer("t-1", TransferStatus.COMPLETED));
            state.putTransfer(transfer("t-2", TransferStatus.PENDING));
            state.beginEvent(0, start.plus(Duration.ofDays(8)));
            state.markFollowUpApplied("f-2");
        });

        // t-1 as it was, not t-2; f-1, which expired since, and not f-2.
        assertThat(transfersAtCut(cut)).containsExactly("t-1:PENDING");
        assertThat(followUpsAtCut(cut)).containsExactly("f-1");
        state.endCut();
        var next = state.tryBeginCut(() -> {
        });
        assertThat(transfersAtCut(next)).containsExactlyInAnyOrder("t-1:COMPLETED", "t-2:PENDING");
        assertThat(followUpsAtCut(next)).containsExactly("f-2");
        state.endCut();
        assertThat(state.findTransfer("t-1").await().indefinitely()).contains(transfer("t-1", TransferStatus.COMPLETED));
    }
}
