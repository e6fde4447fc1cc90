package dev.ledger.group;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.Transfers;
import dev.ledger.pipeline.LedgerQueries;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Group mode's reads: every instance reads the same PostgreSQL, so a change applied anywhere is seen everywhere. */
@ApplicationScoped
@Typed(PgLedgerQueries.class)
public class PgLedgerQueries implements LedgerQueries {

    /** Looked up on use: in replay mode the datasource is inactive and its pool must not be touched. */
    private final Instance<Pool> pools;
    private final String topic;
    private static final int DIGEST_FETCH = 1000;
    /** SQLSTATE classes of a server that cannot serve now: connection exception, insufficient resources, operator intervention. */
    private static final Set<String> UNAVAILABLE = Set.of("08", "53", "57");
    /** What {@link #account(Row)} reads, in its order. */
    private static final String ACCOUNT_COLUMNS = "account_id, owner, currency, balance, version";

    PgLedgerQueries(Instance<Pool> pools, LedgerConfig config) {
        this.pools = pools;
        this.topic = config.topic();
    }

    @Override
    public Uni<Optional<Account>> findAccount(String accountId) {
        return reachable(pools.get().preparedQuery("select " + ACCOUNT_COLUMNS + " from accounts where account_id = $1")
                .execute(Tuple.of(accountId))
                .map(rows -> first(rows, PgLedgerQueries::account)));
    }

    /** In the database's collation, as the {@code after} bound compares: each page continues where the last one ended. */
    @Override
    public Uni<List<Account>> listAccounts(String after, int limit) {
        return reachable(pools.get().preparedQuery("select " + ACCOUNT_COLUMNS + " from accounts where account_id > $1 order by account_id limit $2")
                .execute(Tuple.of(after == null ? "" : after, limit))
                .map(rows -> {
                    var found = new ArrayList<Account>();
                    rows.forEach(row -> found.add(account(row)));
                    return found;
                }));
    }

    @Override
    public Uni<Optional<Transfer>> findTransfer(String transferId) {
        return transfers("where transfer_id = $1", Tuple.of(transferId)).map(Transfers::shown);
    }

    @Override
    public Uni<Optional<Transfer>> findTransfer(String transferId, String from) {
        return transfers("where transfer_id = $1 and from_account = $2", Tuple.of(transferId, from))
                .map(found -> found.stream().findFirst());
    }

    private Uni<List<Transfer>> transfers(String where, Tuple parameters) {
        return reachable(pools.get().preparedQuery("select " + PgBatchStore.TRANSFER_COLUMNS + " from transfers " + where)
                .execute(parameters)
                .map(rows -> {
                    var found = new ArrayList<Transfer>();
                    rows.forEach(row -> found.add(PgBatchStore.transfer(row)));
                    return found;
                }));
    }

    @Override
    public Uni<Optional<CommandResult>> findCommand(String commandId) {
        return command("command_id", commandId);
    }

    @Override
    public Uni<Optional<CommandResult>> findByIdempotencyKey(String idempotencyKey) {
        return command("idempotency_key", idempotencyKey);
    }

    /**
     * The command whose {@code column} holds {@code value}: the command id, or the idempotency key
     * (unique while kept). Only forged records put one command id on two accounts: every instance
     * then shows the same of them.
     */
    private Uni<Optional<CommandResult>> command(String column, String value) {
        return reachable(pools.get().preparedQuery("select " + CommandRows.COLUMNS + " from " + CommandRows.FROM + " where c." + column
                        + " = $1 order by c.account_id limit 1")
                .execute(Tuple.of(value))
                .map(rows -> first(rows, CommandRows::result)));
    }

    private static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> read) {
        var found = rows.iterator();
        return found.hasNext() ? Optional.of(read.apply(found.next())) : Optional.empty();
    }

    private static Account account(Row row) {
        return new Account(row.getString(0), row.getString(1), row.getString(2), row.getLong(3), row.getLong(4));
    }

    /**
     * Positions and accounts read in one repeatable-read transaction: one instant of the state. The
     * accounts stream through a cursor, {@link #DIGEST_FETCH} rows at a time, into the hash: memory
     * stays flat however many accounts there are.
     */
    @Override
    public Uni<Snapshot> digest() {
        return reachable(pools.get().withTransaction(tx -> tx.query("set transaction isolation level repeatable read, read only").execute()
                .chain(() -> tx.preparedQuery("select partition, next_offset from partition_offsets where topic = $1")
                        .execute(Tuple.of(topic)))
                .chain(offsets -> {
                    var positions = new TreeMap<Integer, Long>();
                    offsets.forEach(row -> positions.put(row.getInteger(0), row.getLong(1)));
                    var digest = new StateDigest();
                    return tx.prepare("select account_id, balance, version from accounts order by account_id collate \"C\"")
                            .onItem().transformToMulti(statement -> statement.createStream(DIGEST_FETCH).toMulti())
                            .onItem().invoke(row -> digest.add(row.getString(0), row.getLong(1), row.getLong(2)))
                            .collect().last()
                            .map(last -> new Snapshot(digest.accounts(), digest.totalBalance(), digest.hex(), positions));
                })));
    }

    /**
     * A read that failed because the database could not be reached becomes a 503 the client may
     * retry, not a 500: the connection was refused or lost, or the server answered that it cannot
     * serve now (SQLSTATE classes 08, 53 and 57: starting up, shutting down, out of connections).
     * Any other error of the server's is a fault of this service's and stays one.
     */
    private static <T> Uni<T> reachable(Uni<T> read) {
        return read.onFailure(PgLedgerQueries::unreachable).transform(StateUnavailableException::new);
    }

    private static boolean unreachable(Throwable failure) {
        if (failure instanceof PgException) {
            return SqlStates.inClass(failure, UNAVAILABLE);
        }
        return failure instanceof IOException || failure instanceof VertxException || failure instanceof NoStackTraceThrowable;
    }
}
