package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.IdempotencyRetention;
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
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Command results restored from a snapshot in compact form answer every read exactly as the
 * results that were snapshotted, expire by event time as they would have, give way to live results
 * stored after the restore, and are written again, as they stood at the cut, by the next snapshot.
 */
class RestoredResultsTest {

    private static final IdempotencyRetention WEEK = new IdempotencyRetention(Duration.ofDays(7));
    private static final Instant START = Instant.parse("2026-03-01T10:00:00.123456Z");
    private static final String HASH = "0123456789abcdef".repeat(4);

    private static final Account ALICE = new Account("alice", "Alice", "EUR", 60, 3);
    private static final Account BOB = new Account("bob", "Bob", "EUR", 40, 2);
    private static final Transfer SENT = new Transfer("t-" + UUID.randomUUID(), "alice", "bob", 40, "EUR", TransferStatus.PENDING,
            null, true, "rent");
    private static final CommandResult OPENED = result("alice", null, null, null, new Account("alice", "Alice", "EUR", 0, 1), null);
    private static final CommandResult DEPOSITED = result("alice", "key-deposit", HASH, null,
            new Account("alice", "Alice", "EUR", 100, 2), null);
    private static final CommandResult TRANSFERRED = result("alice", "key-transfer", HASH, null, null, SENT);
    private static final CommandResult REFUSED = result("alice", null, null, Rejection.SAME_ACCOUNT, null,
            new Transfer(UUID.randomUUID().toString(), "alice", "alice", 5, "EUR", TransferStatus.REJECTED, Rejection.SAME_ACCOUNT, true,
                    null));
    private static final CommandResult OPENED_BOB = result("bob", null, null, null, new Account("bob", "Bob", "EUR", 0, 1), null);
    private static final CommandResult OVERDRAWN = result("bob", "key-overdrawn", HASH, Rejection.INSUFFICIENT_FUNDS, null, null);
    /** Not in compact form (an id that is no UUID): stored as it was put, beside the compact ones. */
    private static final CommandResult OTHER_ID = new CommandResult("command-1", "bob", null, null, Rejection.ACCOUNT_NOT_FOUND, null,
            null);
    private static final List<CommandResult> ALICES = List.of(OPENED, DEPOSITED, TRANSFERRED, REFUSED);
    private static final List<CommandResult> BOBS = List.of(OPENED_BOB, OVERDRAWN, OTHER_ID);

    private static CommandResult result(String accountId, String key, String hash, Rejection rejection, Account account,
                                        Transfer transfer) {
        return new CommandResult(UUID.randomUUID().toString(), accountId, key, hash, rejection, account, transfer);
    }

    /** Alice's commands on partition 0 at START, Bob's on partition 1 a day later. */
    private static ReplayState running() {
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            state.putAccount(ALICE);
            state.putTransfer(SENT);
            ALICES.forEach(state::putCommand);
            state.beginEvent(1, START.plus(Duration.ofDays(1)));
            state.putAccount(BOB);
            BOBS.forEach(state::putCommand);
            state.advance(0, 4);
            state.advance(1, 3);
        });
        return state;
    }

    private static byte[] snapshot(ReplayState state) throws IOException {
        var cut = state.tryBeginCut(() -> {
        });
        try {
            return write(state, cut);
        } finally {
            state.endCut();
        }
    }

    private static byte[] write(ReplayState state, ReplayState.Cut cut) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var counts = SnapshotFormat.write(state, cut, List.of(), new DataOutputStream(bytes));
        assertThat(counts.digest()).isNotEmpty();
        return bytes.toByteArray();
    }

    private static ReplayState restore(byte[] snapshot) throws IOException {
        var restored = new ReplayState(WEEK);
        restored.writeBatch(() -> {
            try {
                SnapshotFormat.read(new ByteArrayInputStream(snapshot), restored, new SnapshotFormat.Counts(2, 0, 7, 1, 0, ""));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        return restored;
    }

    private static void assertHolds(ReplayState state, List<CommandResult> results) {
        for (var result : results) {
            assertThat(state.command(result.commandId())).as(result.commandId()).contains(result);
            if (result.idempotencyKey() != null) {
                assertThat(state.findByIdempotencyKey(result.idempotencyKey()).await().indefinitely()).contains(result);
            }
        }
    }

    private static void assertHoldsNone(ReplayState state, List<CommandResult> results) {
        for (var result : results) {
            assertThat(state.command(result.commandId())).as(result.commandId()).isEmpty();
            if (result.idempotencyKey() != null) {
                assertThat(state.findByIdempotencyKey(result.idempotencyKey()).await().indefinitely()).isEmpty();
            }
        }
    }

    @Test
    void restoredResultsReadBackExactlyAsTheyWerePut() throws IOException {
        var restored = restore(snapshot(running()));

        assertHolds(restored, ALICES);
        assertHolds(restored, BOBS);
        assertThat(restored.command(UUID.randomUUID().toString())).isEmpty();
        assertThat(restored.findByIdempotencyKey("key-unknown").await().indefinitely()).isEmpty();
        assertThat(restored.digestNow().digest()).isEqualTo(running().digestNow().digest());
    }

    @Test
    void everyIdempotencyKeyOfALargeRestoreAnswersItsNewestResult() throws IOException {
        // Enough keys for their table to be built on a thread of its own, one of them reused a minute later.
        int keys = 70_000;
        var results = new ArrayList<CommandResult>();
        var state = new ReplayState(WEEK);
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            state.putAccount(ALICE);
            for (int i = 0; i < keys; i++) {
                var result = result("alice", "key-" + i, HASH, null, new Account("alice", "Alice", "EUR", i, i + 1), null);
                results.add(result);
                state.putCommand(result);
            }
            state.beginEvent(0, START.plusSeconds(60));
            results.set(7, result("alice", "key-7", HASH, Rejection.IDEMPOTENCY_KEY_REUSED, null, null));
            state.putCommand(results.get(7));
        });

        var restored = restore(snapshot(state));

        for (int i = 0; i < keys; i++) {
            assertThat(restored.findByIdempotencyKey("key-" + i).await().indefinitely()).as("key-%d", i).contains(results.get(i));
        }
    }

    @Test
    void aResultWithAUuidIdTakesFewerBytesThanItsIdAsText() throws IOException {
        var state = running();
        int before = snapshot(state).length;
        state.writeBatch(() -> {
            state.beginEvent(0, START);
            for (int i = 0; i < 100; i++) {
                state.putCommand(result("alice", null, null, null, new Account("alice", "Alice", "EUR", 100 + i, 4 + i), null));
            }
        });

        assertThat((snapshot(state).length - before) / 100.0).isLessThan(36);
    }

    @Test
    void restoredResultsExpireByEventTimeAsTheOriginalsDid() throws IOException {
        var restored = restore(snapshot(running()));

        // A week and a bit after Alice's commands, on her partition only.
        restored.writeBatch(() -> restored.beginEvent(0, START.plus(Duration.ofDays(7)).plusSeconds(1)));

        assertHoldsNone(restored, ALICES);
        assertHolds(restored, BOBS);
    }

    @Test
    void aResultStoredAfterTheRestoreReplacesTheRestoredOneUnderItsIdAndKey() throws IOException {
        var restored = restore(snapshot(running()));
        var retried = new CommandResult(DEPOSITED.commandId(), "alice", DEPOSITED.idempotencyKey(), HASH, Rejection.INSUFFICIENT_FUNDS,
                null, null);
        var sameKey = result("bob", OVERDRAWN.idempotencyKey(), HASH, null, new Account("bob", "Bob", "EUR", 45, 3), null);

        // Both on Bob's partition, so that they expire before the restored results on Alice's.
        restored.writeBatch(() -> {
            restored.beginEvent(1, START.plus(Duration.ofDays(1)).plusSeconds(10));
            restored.putCommand(retried);
            restored.putAccount(new Account("bob", "Bob", "EUR", 45, 3));
            restored.putCommand(sameKey);
        });

        assertHolds(restored, List.of(retried, sameKey));
        assertThat(restored.command(OVERDRAWN.commandId())).as("still there under its id").contains(OVERDRAWN);
        // The live results expire with their own event time, and the restored ones they replaced do not come back.
        restored.writeBatch(() -> restored.beginEvent(1, START.plus(Duration.ofDays(8)).plusSeconds(11)));
        assertThat(restored.command(DEPOSITED.commandId())).isEmpty();
        assertThat(restored.findByIdempotencyKey(DEPOSITED.idempotencyKey()).await().indefinitely()).isEmpty();
        assertHolds(restored, List.of(OPENED, TRANSFERRED, REFUSED));
    }

    @Test
    void aCommandIdOnTwoAccountsIsTwoCommandsThroughASnapshotAndAfter() throws IOException {
        var state = running();
        var bobsUnderAlicesId = new CommandResult(DEPOSITED.commandId(), "bob", null, null, Rejection.INSUFFICIENT_FUNDS, null, null);
        state.writeBatch(() -> {
            state.beginEvent(1, START.plus(Duration.ofDays(1)).plusSeconds(1));
            state.putCommand(bobsUnderAlicesId);
        });
        var restored = restore(snapshot(state));
        var bobsAgain = new CommandResult(DEPOSITED.commandId(), "bob", null, null, null, new Account("bob", "Bob", "EUR", 40, 2), null);

        assertThat(restored.command("alice", DEPOSITED.commandId())).contains(DEPOSITED);
        assertThat(restored.command("bob", DEPOSITED.commandId())).contains(bobsUnderAlicesId);
        restored.writeBatch(() -> {
            restored.beginEvent(1, START.plus(Duration.ofDays(1)).plusSeconds(2));
            restored.putCommand(bobsAgain);
        });
        assertThat(restored.command("alice", DEPOSITED.commandId())).as("not replaced by Bob's").contains(DEPOSITED);
        assertThat(restored.command("bob", DEPOSITED.commandId())).contains(bobsAgain);
    }

    @Test
    void aSnapshotOfARestoredStateHoldsItsResultsAsTheyStoodAtTheCutAndRestoresToTheSameDigest() throws IOException {
        var restored = restore(snapshot(running()));
        var later = result("bob", "key-later", HASH, null, new Account("bob", "Bob", "EUR", 50, 3), null);
        restored.writeBatch(() -> {
            restored.beginEvent(1, START.plus(Duration.ofDays(1)).plusSeconds(5));
            restored.putAccount(new Account("bob", "Bob", "EUR", 50, 3));
            restored.putCommand(later);
            restored.advance(1, 4);
        });
        var cut = restored.tryBeginCut(() -> {
        });
        // The writer goes on after the cut: Alice's results expire, one of Bob's is replaced.
        var replaced = new CommandResult(OVERDRAWN.commandId(), "bob", "key-other", HASH, null, null, null);
        restored.writeBatch(() -> {
            restored.beginEvent(0, START.plus(Duration.ofDays(8)));
            restored.beginEvent(1, START.plus(Duration.ofDays(1)).plusSeconds(6));
            restored.putCommand(replaced);
            restored.advance(0, 5);
        });
        assertHoldsNone(restored, ALICES);
        var expectedDigest = restored.hash(cut);
        byte[] again;
        try {
            again = write(restored, cut);
        } finally {
            restored.endCut();
        }

        var restoredAgain = restore(again);

        assertHolds(restoredAgain, ALICES);
        assertHolds(restoredAgain, BOBS);
        assertHolds(restoredAgain, List.of(later));
        assertThat(restoredAgain.findByIdempotencyKey("key-other").await().indefinitely()).isEmpty();
        assertThat(restoredAgain.digestNow().digest()).isEqualTo(expectedDigest.digest());
        // And they expire there as they would have in the state they came from.
        restoredAgain.writeBatch(() -> restoredAgain.beginEvent(1, START.plus(Duration.ofDays(8)).plusSeconds(6)));
        assertHoldsNone(restoredAgain, BOBS);
        assertHoldsNone(restoredAgain, List.of(later));
        assertHolds(restoredAgain, ALICES);
    }
}
