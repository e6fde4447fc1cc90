package dev.ledger.group;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.Transfers;
import dev.ledger.pipeline.LedgerQueries;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Group mode's reads: every instance reads the same PostgreSQL, so a change applied anywhere is seen everywhere. */
@ApplicationScoped
@Typed(PgLedgerQueries.class)
public class PgLedgerQueries implements LedgerQueries {

    /** Looked up on use: in replay mode the datasource is inactive and its pool must not be touched. */
    private final Instance<Pool> pools;
    private final String topic;
    private static final int DIGEST_FETCH = 1000;

    PgLedgerQueries(Instance<Pool> pools, LedgerConfig config) {
        this.pools = pools;
        this.topic = config.topic();
    }

    @Override
    public Uni<Optional<Account>> findAccount(String accountId) {
        return Panache.withSession(() -> AccountEntity.<AccountEntity>findById(accountId))
                .map(entity -> Optional.ofNullable(entity).map(AccountEntity::toAccount));
    }

    @Override
    public Uni<List<Account>> listAccounts(String after, int limit) {
        return Panache.withSession(() -> AccountEntity.<AccountEntity>find("accountId > ?1 order by accountId", after == null ? "" : after)
                        .page(0, limit).list())
                .map(entities -> entities.stream().map(AccountEntity::toAccount).toList());
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
        return pools.get().preparedQuery("select " + PgBatchStore.TRANSFER_COLUMNS + " from transfers " + where)
                .execute(parameters)
                .map(rows -> {
                    var found = new ArrayList<Transfer>();
                    rows.forEach(row -> found.add(PgBatchStore.transfer(row)));
                    return found;
                });
    }

    @Override
    public Uni<Optional<CommandResult>> findCommand(String commandId) {
        return Panache.withSession(() -> CommandEntity.<CommandEntity>findById(commandId))
                .map(entity -> Optional.ofNullable(entity).map(CommandRows::result));
    }

    @Override
    public Uni<Optional<CommandResult>> findByIdempotencyKey(String idempotencyKey) {
        return Panache.withSession(() -> CommandEntity.<CommandEntity>find("idempotencyKey", idempotencyKey).firstResult())
                .map(entity -> Optional.ofNullable((CommandEntity) entity).map(CommandRows::result));
    }

    /**
     * Positions and accounts read in one repeatable-read transaction: one instant of the state. The
     * accounts stream through a cursor, {@link #DIGEST_FETCH} rows at a time, into the hash: memory
     * stays flat however many accounts there are.
     */
    @Override
    public Uni<Snapshot> digest() {
        return pools.get().withTransaction(tx -> tx.query("set transaction isolation level repeatable read, read only").execute()
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
                }));
    }
}
