package dev.ledger.pipeline;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Transfer;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the API reads, from whichever store the mode keeps its state in. */
public interface LedgerQueries {

    Uni<Optional<Account>> findAccount(String accountId);

    /** Up to {@code limit} accounts with ids after {@code after} (null: from the first), in id order. */
    Uni<List<Account>> listAccounts(String after, int limit);

    /** The transfer the API shows for this id: see {@code Transfers#shown}. */
    Uni<Optional<Transfer>> findTransfer(String transferId);

    /** This sender's transfer under this id. */
    Uni<Optional<Transfer>> findTransfer(String transferId, String from);

    Uni<Optional<CommandResult>> findCommand(String commandId);

    /** The command last applied with this Idempotency-Key, on whichever account. */
    Uni<Optional<CommandResult>> findByIdempotencyKey(String idempotencyKey);

    /** The digest of every account together with the topic positions that state reflects, taken at one instant. */
    Uni<Snapshot> digest();

    record Snapshot(long accounts, long totalBalance, String digest, Map<Integer, Long> positions) {
    }

    /** The store the state is read from cannot be reached now (group mode's database is down or restarting). */
    final class StateUnavailableException extends RuntimeException {
        public StateUnavailableException(Throwable cause) {
            super("the database cannot be reached: " + cause.getMessage(), cause, false, false);
        }
    }
}
