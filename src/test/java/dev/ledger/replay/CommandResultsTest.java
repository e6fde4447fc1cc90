package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The compact store must read every result back exactly as it was put, whatever form its ids take. */
class CommandResultsTest {

    private static final String UUID_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final String HEX_HASH = "ab12".repeat(16);

    /** Alice as she is now: a stored snapshot takes her owner and currency from here. */
    private final Account alice = new Account("alice", "Alice Liddell", "EUR", 900, 5);
    private final CommandResults results = new CommandResults(id -> Optional.ofNullable(Map.of("alice", alice).get(id)));

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
    void anUnknownCommandIsNotFound() {
        results.put(new CommandResult(UUID_ID, "alice", "key-1", HEX_HASH, null, null, null), 0, 0);

        assertThat(results.get("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4c")).isEmpty();
        assertThat(results.byIdempotencyKey("key-2")).isEmpty();
    }
}
