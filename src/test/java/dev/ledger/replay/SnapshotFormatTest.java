package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.IdempotencyRetention;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A snapshot's body holds the state exactly as it stood at its cut, however much the writer changed since. */
class SnapshotFormatTest {

    private static final IdempotencyRetention WEEK = new IdempotencyRetention(Duration.ofDays(7));
    private static final Instant START = Instant.parse("2026-03-01T10:00:00.123456789Z");

    private static final Account ALICE = new Account("alice", "Alice \uD800 lone", "EUR", 70, 3);
    private static final Account BOB = new Account("bob", "Bob", "EUR", 0, 1);
    private static final Transfer PENDING = new Transfer("t1", "alice", "bob", 30, "EUR", TransferStatus.PENDING, null, true, "rent");
    private static final CommandResult DEPOSIT = new CommandResult("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "alice", "key-1",
            "ab12", null, new Account("alice", "Alice \uD800 lone", "EUR", 100, 2), null);
    private static final CommandResult TRANSFER = new CommandResult("c-transfer", "alice", null, null, null, null, PENDING);
    private static final CommandResult REJECTED = new CommandResult("c-rejected", "bob", null, null, Rejection.INSUFFICIENT_FUNDS,
            null, null);
    private static final LedgerEvent CREDIT = new LedgerEvent("t1/alice/credit", "bob", "c-transfer", START, null, null,
            new Payload.TransferCreditRequested("t1", "alice", 30, "EUR", "rent"));
    private static final LedgerEvent REFUND = new LedgerEvent("t0/bob/refund", "bob", "c-old", START, null, null,
            new Payload.TransferRefundRequested("t0", "carol", 5, "EUR", Rejection.CURRENCY_MISMATCH));

    /** The state as it stands at the cut, built on its own. */
    private static ReplayState atCut() {
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            state.putAccount(ALICE);
            state.putAccount(BOB);
            state.putTransfer(PENDING);
            state.putCommand(DEPOSIT);
            state.putCommand(TRANSFER);
            state.markFollowUpApplied("t0/alice/credit");
            state.beginEvent(1, START.plusSeconds(5));
            state.putCommand(REJECTED);
            state.advance(0, 3);
            state.advance(1, 1);
        });
        return state;
    }

    @Test
    void aSnapshotReadsBackAsTheStateAtItsCutWhileTheWriterGoesOn() throws IOException {
        var state = atCut();
        var pending = new PendingFollowUps(Duration.ofSeconds(10), accountId -> 0);
        pending.decided(0, CREDIT, null);
        pending.decided(1, REFUND, null);
        var cut = state.tryBeginCut(() -> {
        });
        var pendingAtCut = pending.entries();
        // The writer goes on: every kind of record changes, and partition 0's records expire.
        state.writeBatch(() -> {
            state.beginEvent(0, START.plus(Duration.ofDays(8)));
            state.putAccount(new Account("alice", "Alice \uD800 lone", "EUR", 90, 4));
            state.putAccount(new Account("carol", "Carol", "EUR", 0, 1));
            state.putTransfer(new Transfer("t1", "alice", "bob", 30, "EUR", TransferStatus.COMPLETED, null, true, "rent"));
            state.putCommand(new CommandResult("c-later", "alice", null, null, null, null, null));
            state.markFollowUpApplied("t2/alice/credit");
            state.advance(0, 9);
        });
        assertThat(state.command(DEPOSIT.commandId())).as("expired in the live state").isEmpty();
        var bytes = new ByteArrayOutputStream();
        var counts = SnapshotFormat.write(state, cut, pendingAtCut, new DataOutputStream(bytes));
        state.endCut();

        var restored = new ReplayState(WEEK);
        var pendingBack = SnapshotFormat.read(new ByteArrayInputStream(bytes.toByteArray()), restored, counts);
        cut.positions.forEach(restored::advance);

        var expected = atCut();
        assertThat(restored.digestNow()).isEqualTo(expected.digestNow());
        assertThat(counts.digest()).isEqualTo(expected.digestNow().digest());
        assertThat(counts.accounts()).isEqualTo(2);
        assertThat(restored.account("carol")).isEmpty();
        assertThat(restored.transfer("t1", "alice")).contains(PENDING);
        for (var command : new CommandResult[] {DEPOSIT, TRANSFER, REJECTED}) {
            assertThat(restored.command(command.commandId())).contains(command);
        }
        assertThat(restored.findByIdempotencyKey("key-1").await().indefinitely()).contains(DEPOSIT);
        assertThat(restored.command("c-later")).isEmpty();
        assertThat(restored.followUpApplied("t0/alice/credit")).isTrue();
        assertThat(restored.followUpApplied("t2/alice/credit")).isFalse();
        assertThat(pendingBack).containsExactly(new PendingFollowUps.Entry(0, CREDIT), new PendingFollowUps.Entry(1, REFUND));

        // Restored records keep their partition and event time: they expire as the originals did.
        restored.writeBatch(() -> restored.beginEvent(0, START.plus(Duration.ofDays(8))));
        assertThat(restored.command(DEPOSIT.commandId())).isEmpty();
        assertThat(restored.followUpApplied("t0/alice/credit")).isFalse();
        assertThat(restored.command(REJECTED.commandId())).contains(REJECTED);
    }

    @Test
    void transfersAndFollowUpIdsOfEveryShapeReadBackExactly() throws IOException {
        var uuid = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
        var transfers = new Transfer[] {
                new Transfer("t-" + uuid, "alice", "bob", 30, "EUR", TransferStatus.PENDING, null, true, "rent"),
                // A bare UUID, to an account the snapshot does not hold, no currency, refused, not requested here.
                new Transfer("0e8400e2-9b41-4d4a-a716-446655440000", "bob", "closed-7", 5, null, TransferStatus.REFUNDED,
                        Rejection.ACCOUNT_NOT_FOUND, false, null),
                // Not canonical (upper case), with slashes: held as text.
                new Transfer("T-6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B/x", "alice", "bob", 1_000_000_000_000L, "EUR", TransferStatus.REJECTED,
                        Rejection.IDEMPOTENCY_KEY_REUSED, true, "\uD800 lone"),
                new Transfer("short", "bob", "alice", 1, "GBP", TransferStatus.COMPLETED, null, true, null)};
        var followUps = new String[] {"t-" + uuid + "/alice/credit", "0e8400e2-9b41-4d4a-a716-446655440000", "t-x/closed-7/refund",
                "a/b/c/alice/refund", "one/slash", "/alice/credit", "no-slash", "t-" + uuid + "//credit"};
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            state.putAccount(ALICE);
            state.putAccount(BOB);
            for (var transfer : transfers) {
                state.putTransfer(transfer);
            }
            for (var followUp : followUps) {
                state.markFollowUpApplied(followUp);
            }
        });

        var restored = writeAndRead(state);

        for (var transfer : transfers) {
            assertThat(restored.transfer(transfer.transferId(), transfer.from())).contains(transfer);
        }
        for (var followUp : followUps) {
            assertThat(restored.followUpApplied(followUp)).as(followUp).isTrue();
        }
        assertThat(restored.followUpApplied("t-" + uuid + "/bob/credit")).isFalse();
        assertThat(restored.digestNow()).isEqualTo(state.digestNow());
    }

    @Test
    void restoredFollowUpIdsExpireInTheirPartitionsEventTimeOrder() throws IOException {
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            // Applied out of id order, over two partitions and three days.
            for (int day = 2; day >= 0; day--) {
                for (int partition = 0; partition < 2; partition++) {
                    state.beginEvent(partition, START.plus(Duration.ofDays(day)));
                    state.markFollowUpApplied("t-" + day + "/p" + partition + "/credit");
                }
            }
            state.beginEvent(0, START.plus(Duration.ofDays(2)));
            state.beginEvent(1, START.plus(Duration.ofDays(2)));
        });

        var restored = writeAndRead(state);

        // The retention past the first day, on partition 0 only: its first day's id expires, nothing else.
        restored.writeBatch(() -> restored.beginEvent(0, START.plus(Duration.ofDays(7)).plusSeconds(1)));
        assertThat(restored.followUpApplied("t-0/p0/credit")).isFalse();
        assertThat(restored.followUpApplied("t-1/p0/credit")).isTrue();
        assertThat(restored.followUpApplied("t-0/p1/credit")).isTrue();
        restored.writeBatch(() -> restored.beginEvent(1, START.plus(Duration.ofDays(8)).plusSeconds(1)));
        assertThat(restored.followUpApplied("t-0/p1/credit")).isFalse();
        assertThat(restored.followUpApplied("t-1/p1/credit")).isFalse();
        assertThat(restored.followUpApplied("t-2/p1/credit")).isTrue();
        assertThat(restored.followUpApplied("t-1/p0/credit")).isTrue();
    }

    @Test
    void aFollowUpIdAppliedOnTwoPartitionsIsTwoAppliedIdsThroughASnapshotAndAfter() throws IOException {
        var id = "t-6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/alice/credit";
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            state.putAccount(ALICE);
            state.markFollowUpApplied(id);
            state.beginEvent(1, START.plusSeconds(1));
            state.markFollowUpApplied(id);
        });
        var restored = writeAndRead(state);

        assertThat(List.of(restored.followUpApplied(id, 0), restored.followUpApplied(id, 1), restored.followUpApplied(id, 2)))
                .containsExactly(true, true, false);
        // Applied live again on partition 1, then expired there: partition 0's restored one still answers.
        restored.writeBatch(() -> {
            restored.beginEvent(1, START.plus(Duration.ofDays(1)));
            restored.markFollowUpApplied(id);
            restored.beginEvent(1, START.plus(Duration.ofDays(8)).plusSeconds(2));
        });
        assertThat(List.of(restored.followUpApplied(id, 0), restored.followUpApplied(id, 1))).containsExactly(true, false);
    }

    @Test
    void restoredFollowUpIdsExpireAndAreAppliedAgainAsLiveOnesAndGoIntoTheNextSnapshotSo() throws IOException {
        var kept = "t-6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/alice/credit";
        var appliedAgain = "t-0e8400e2-9b41-4d4a-a716-446655440000/alice/credit";
        var expiring = "0e8400e2-9b41-4d4a-a716-446655440000/bob/refund";
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            state.putAccount(ALICE);
            state.putAccount(BOB);
            state.markFollowUpApplied(kept);
            state.markFollowUpApplied(appliedAgain);
            state.beginEvent(1, START);
            state.markFollowUpApplied(expiring);
        });
        var restored = writeAndRead(state);

        restored.writeBatch(() -> {
            restored.beginEvent(0, START.plus(Duration.ofDays(3)));
            restored.markFollowUpApplied(appliedAgain);
            restored.beginEvent(1, START.plus(Duration.ofDays(7)).plusSeconds(1));
        });
        assertThat(restored.followUpApplied(expiring)).isFalse();
        var cut = restored.tryBeginCut(() -> {
        });
        var atCut = new ArrayList<String>();
        restored.forEachFollowUpAtCut(cut, applied -> atCut.add(applied.eventId()));
        restored.endCut();
        assertThat(atCut).containsExactlyInAnyOrder(kept, appliedAgain);

        // Applied again on the third day, the id expires with that day, not the first, in the restored state and the next.
        for (var later : List.of(restored, writeAndRead(restored))) {
            later.writeBatch(() -> later.beginEvent(0, START.plus(Duration.ofDays(7)).plusSeconds(1)));
            assertThat(later.followUpApplied(kept)).isFalse();
            assertThat(later.followUpApplied(appliedAgain)).isTrue();
            assertThat(later.followUpApplied(expiring)).isFalse();
        }
    }

    @Test
    void aBodyCutShortAnywhereFailsToReadWithNothingLeftWritingTheState() throws IOException {
        var state = atCut();
        var cut = state.tryBeginCut(() -> {
        });
        var bytes = new ByteArrayOutputStream();
        var counts = SnapshotFormat.write(state, cut, List.of(new PendingFollowUps.Entry(0, CREDIT)), new DataOutputStream(bytes));
        state.endCut();
        var body = bytes.toByteArray();
        for (int length = 0; length < body.length; length++) {
            var restored = new ReplayState(WEEK);
            var shortBody = new ByteArrayInputStream(body, 0, length);
            assertThatThrownBy(() -> SnapshotFormat.read(shortBody, restored, counts)).as("cut at %d", length)
                    .isInstanceOf(IOException.class);
            // What a failed restore does next: whatever the helpers put is there by now, and goes.
            restored.clear();
            assertThat(restored.transfer(PENDING.transferId(), PENDING.from())).isEmpty();
        }
    }

    /** The whole of {@code state} written as a snapshot and read back into a new state. */
    private static ReplayState writeAndRead(ReplayState state) throws IOException {
        var cut = state.tryBeginCut(() -> {
        });
        var bytes = new ByteArrayOutputStream();
        var counts = SnapshotFormat.write(state, cut, List.of(), new DataOutputStream(bytes));
        state.endCut();
        var restored = new ReplayState(WEEK);
        SnapshotFormat.read(new ByteArrayInputStream(bytes.toByteArray()), restored, counts);
        return restored;
    }
}
