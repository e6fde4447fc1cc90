package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The compact store must read every result back exactly as it was put, whatever form its ids take. */
class CommandResultsTest {

    private static final String UUID_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final String HEX_HASH = "ab12".repeat(16);

    /** Alice as she is now: a stored result takes her owner and currency from here. */
    private final AccountColumns accounts = new AccountColumns();
    private final CommandResults results = new CommandResults(accounts);

    @BeforeEach
    void openAlice() {
        accounts.put(new Account("alice", "Alice Liddell", "EUR", 900, 5));
    }

    static Stream<CommandResult> results() {
        var transfer = new Transfer("t-1", "alice", "bob", 100, "EUR", TransferStatus.PENDING, null, true, null);
        return Stream.of(
                new CommandResult(UUID_ID, "alice", null, null, null, new Account("alice", "Alice Liddell", "EUR", 0, 1), null),
                new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, null, new Account("alice", "Alice Liddell", "EUR", 700, 3), null),
                new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, Rejection.INSUFFICIENT_FUNDS, null, null),
                new CommandResult(UUID_ID, "alice", null, null, null, null, transfer),
                new CommandResult("command-1", "alice", null, null, Rejection.ACCOUNT_NOT_FOUND, null, null),
                new CommandResult(UUID_ID.toUpperCase(), "alice", "key-2", HEX_HASH.toUpperCase(), null, null, transfer),
                new CommandResult(UUID_ID, "alice", "key-3", "not hex at all", null, null, null));
    }

    @ParameterizedTest
    @MethodSource("results")
    void aResultReadsBackExactlyAsItWasPut(CommandResult result) {
        results.put(result, 0, 0);

        assertThat(results.get(result.commandId())).contains(result);
    }

    static Stream<CommandResult> keyedResults() {
        return results().filter(result -> result.idempotencyKey() != null);
    }

    @ParameterizedTest
    @MethodSource("keyedResults")
    void aKeyedResultIsFoundByItsIdempotencyKey(CommandResult result) {
        results.put(result, 0, 0);

        assertThat(results.byIdempotencyKey(result.idempotencyKey())).contains(result);
    }

    @Test
    void idsDifferingOnlyInCaseNameDifferentCommands() {
        var lower = new CommandResult(UUID_ID, "alice", null, null, Rejection.ACCOUNT_NOT_FOUND, null, null);
        var upper = new CommandResult(UUID_ID.toUpperCase(), "alice", null, null, Rejection.INSUFFICIENT_FUNDS, null, null);

        results.put(lower, 0, 0);
        results.put(upper, 0, 0);

        assertThat(results.get(UUID_ID)).contains(lower);
        assertThat(results.get(UUID_ID.toUpperCase())).contains(upper);
    }

    @Test
    void everyResultWithinRetentionIsFoundAfterTheColumnsGrew() {
        var put = new ArrayList<CommandResult>();
        for (int i = 0; i < 10_000; i++) {
            var result = new CommandResult(new UUID(i, i).toString(), "alice", i % 5 == 0 ? new UUID(-i, i).toString() : null,
                    i % 5 == 0 ? HEX_HASH : null, null, new Account("alice", "Alice Liddell", "EUR", i, i + 1), null);
            results.put(result, i % 3, i);
            put.add(result);
        }

        for (var result : put) {
            assertThat(results.get(result.commandId())).contains(result);
            if (result.idempotencyKey() != null) {
                assertThat(results.byIdempotencyKey(result.idempotencyKey())).contains(result);
            }
        }
    }

    @Test
    void aResultPastItsPartitionsHorizonIsGoneAndOthersStay() {
        var old = new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, null, null, null);
        var otherPartition = new CommandResult(new UUID(1, 1).toString(), "alice", null, null, null, null, null);
        results.put(old, 0, 100);
        results.put(otherPartition, 1, 100);

        results.expire(0, 101);

        assertThat(results.get(UUID_ID)).isEmpty();
        assertThat(results.byIdempotencyKey("key-1")).isEmpty();
        assertThat(results.get(otherPartition.commandId())).contains(otherPartition);
    }

    @Test
    void expiredResultsAreDroppedWhenTheColumnsAreCopied() {
        for (int i = 0; i < 100_000; i++) {
            results.expire(0, i - 10);
            results.put(new CommandResult(new UUID(i, i).toString(), "alice", null, null, null, null, null), 0, i);
        }

        assertThat(rowsHeld()).isLessThan(100);
        assertThat(results.get(new UUID(99_999, 99_999).toString())).isPresent();
        assertThat(results.get(new UUID(99_980, 99_980).toString())).isEmpty();
    }

    @Test
    void aLaterResultUnderTheSameIdOrKeyReplacesTheEarlier() {
        var first = new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, Rejection.INSUFFICIENT_FUNDS, null, null);
        var second = new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, null, new Account("alice", "Alice Liddell", "EUR", 5, 2), null);
        var sameKeyOtherCommand = new CommandResult(new UUID(7, 7).toString(), "alice", "key-1", HEX_HASH, null, null, null);

        results.put(first, 0, 1);
        results.put(second, 0, 2);
        assertThat(results.get(UUID_ID)).contains(second);
        results.put(sameKeyOtherCommand, 0, 3);

        assertThat(results.byIdempotencyKey("key-1")).contains(sameKeyOtherCommand);
        assertThat(results.get(UUID_ID)).contains(second);
    }

    @Test
    void aResultReplacedUnderOneOfItsIdAndKeyStillAnswersForTheOtherAfterTheColumnsGrew() {
        var replacedUnderId = new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, Rejection.INSUFFICIENT_FUNDS, null, null);
        var replacingUnderId = new CommandResult(UUID_ID, "alice", "key-2", HEX_HASH, null, null, null);
        var replacedUnderBoth = new CommandResult(new UUID(7, 7).toString(), "alice", "key-3", HEX_HASH, null, null, null);
        var replacingUnderBoth = new CommandResult(new UUID(7, 7).toString(), "alice", "key-3", HEX_HASH,
                Rejection.INSUFFICIENT_FUNDS, null, null);
        results.put(replacedUnderId, 0, 1);
        results.put(replacingUnderId, 0, 2);
        results.put(replacedUnderBoth, 0, 3);
        results.put(replacingUnderBoth, 0, 4);
        int filler = 10_000;
        for (int i = 0; i < filler; i++) {
            results.put(new CommandResult(new UUID(i, -i).toString(), "alice", null, null, null, null, null), 0, 5 + i);
        }

        assertThat(results.byIdempotencyKey("key-1")).contains(replacedUnderId);
        assertThat(results.get(UUID_ID)).contains(replacingUnderId);
        assertThat(results.byIdempotencyKey("key-2")).contains(replacingUnderId);
        assertThat(results.get(new UUID(7, 7).toString())).contains(replacingUnderBoth);
        assertThat(results.byIdempotencyKey("key-3")).contains(replacingUnderBoth);
        assertThat(rowsHeld()).isEqualTo(filler + 3);
    }

    @Test
    void aCommandIdOnAnotherAccountIsAnotherCommandAndReplacesOnlyItsAccountsResult() {
        accounts.put(new Account("bob", "Bob", "EUR", 0, 1));
        var alices = new CommandResult(UUID_ID, "alice", null, null, null, new Account("alice", "Alice Liddell", "EUR", 900, 5), null);
        var bobs = new CommandResult(UUID_ID, "bob", null, null, Rejection.INSUFFICIENT_FUNDS, null, null);
        var alicesAgain = new CommandResult(UUID_ID, "alice", null, null, Rejection.INSUFFICIENT_FUNDS, null, null);
        results.put(alices, 0, 1);
        results.put(bobs, 1, 2);
        results.put(alicesAgain, 0, 3);
        for (int i = 0; i < 1_000; i++) {
            results.put(new CommandResult(new UUID(i, -i).toString(), "alice", null, null, null, null, null), 0, 4 + i);
        }

        assertThat(results.get(UUID_ID, "alice")).contains(alicesAgain);
        assertThat(results.get(UUID_ID, "bob")).contains(bobs);
        assertThat(results.get(UUID_ID, "carol")).isEmpty();
        assertThat(rowsHeld()).isEqualTo(1_000 + 2);
    }

    @Test
    void aCutGivesWhatWasHeldWhenItBeganNotWhatCameAfter() {
        var before = new CommandResult(UUID_ID, "alice", null, null, Rejection.ACCOUNT_NOT_FOUND, null, null);
        var asPut = new CommandResult("command-1", "alice", null, null, null, null, null);
        results.put(before, 0, 1);
        results.put(asPut, 0, 1);

        results.beginCut();
        for (int i = 0; i < 1_000; i++) {
            results.put(new CommandResult(new UUID(i, i).toString(), "alice", null, null, null, null, null), 0, 2);
        }
        var compact = new ArrayList<Long>();
        var whole = new ArrayList<CommandResult>();
        results.forEachAtCut(partition -> Long.MIN_VALUE, index(id -> id.equals("alice") ? 0 : -1), new CommandResults.AtCutConsumer() {
            @Override
            public void compact(RestoredResults.Row row) {
                compact.add(row.idLow);
            }

            @Override
            public void asPut(CommandResult result, int partition, long eventMicros) {
                whole.add(result);
            }
        });
        results.endCut();

        assertThat(compact).containsExactly(UUID.fromString(UUID_ID).getLeastSignificantBits());
        assertThat(whole).containsExactly(asPut);
    }

    @Test
    void aReaderFindsEveryResultPutBeforeItLooksWhileTheWriterGoesOn() throws Exception {
        int count = 200_000;
        var written = new AtomicInteger();
        var failure = new AtomicReference<String>();
        var reader = new Thread(() -> {
            while (written.get() < count && failure.get() == null) {
                int upTo = written.get();
                for (int i = Math.max(0, upTo - 50); i < upTo; i++) {
                    var found = results.get(new UUID(i, ~i).toString());
                    if (found.isEmpty() || found.get().account().balance() != i) {
                        failure.set("result " + i + " read as " + found);
                    }
                }
            }
        });
        reader.start();
        for (int i = 0; i < count; i++) {
            results.put(new CommandResult(new UUID(i, ~i).toString(), "alice", null, null, null,
                    new Account("alice", "Alice Liddell", "EUR", i, 2), null), i % 6, i);
            written.set(i + 1);
        }
        reader.join();

        assertThat(failure.get()).isNull();
    }

    /** A snapshot's account index that places the account of each id where {@code byId} says. */
    private CommandResults.AccountIndex index(ToIntFunction<String> byId) {
        return new CommandResults.AccountIndex() {
            @Override
            public int ofRow(int row) {
                return byId.applyAsInt(accounts.account(row).accountId());
            }

            @Override
            public int of(String accountId) {
                return byId.applyAsInt(accountId);
            }
        };
    }

    /** Every row the columns hold, expired or not: a cut that takes even the expired ones. */
    private int rowsHeld() {
        var rows = new AtomicInteger();
        results.beginCut();
        results.forEachAtCut(partition -> Long.MIN_VALUE, index(id -> 0), new CommandResults.AtCutConsumer() {
            @Override
            public void compact(RestoredResults.Row row) {
                rows.incrementAndGet();
            }

            @Override
            public void asPut(CommandResult result, int partition, long eventMicros) {
                rows.incrementAndGet();
            }
        });
        results.endCut();
        return rows.get();
    }

    @Test
    void aCanonicalUuidIsReadAsTheUuidItNamesAndAnyOtherTextAsNone() {
        for (int i = 0; i < 1_000; i++) {
            var uuid = UUID.randomUUID();
            assertThat(CommandResults.canonicalUuid(uuid.toString())).isEqualTo(uuid);
        }
        assertThat(CommandResults.canonicalUuid(new UUID(-1, -1).toString())).isEqualTo(new UUID(-1, -1));
        assertThat(CommandResults.canonicalUuid(UUID_ID.toUpperCase())).isNull();
        assertThat(CommandResults.canonicalUuid(UUID_ID.replace('-', 'a'))).isNull();
        assertThat(CommandResults.canonicalUuid(UUID_ID.substring(1) + "g")).isNull();
        assertThat(CommandResults.canonicalUuid("command-1")).isNull();
    }

    @Test
    void anUnknownCommandIsNotFound() {
        results.put(new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, null, null, null), 0, 0);

        assertThat(results.get("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4c")).isEmpty();
        assertThat(results.byIdempotencyKey("key-2")).isEmpty();
    }
}
