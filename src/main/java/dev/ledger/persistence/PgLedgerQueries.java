package dev.ledger.persistence;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.state.LedgerQueries;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
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
        return Panache.withSession(() -> TransferEntity.<TransferEntity>findById(transferId))
                .map(entity -> Optional.ofNullable(entity).map(TransferEntity::toTransfer));
    }

    @Override
    public Uni<Optional<CommandResult>> findCommand(String commandId) {
        return Panache.withSession(() -> CommandEntity.<CommandEntity>findById(commandId))
                .map(entity -> Optional.ofNullable(entity).map(Snapshots::toResult));
    }

    @Override
    public Uni<Optional<CommandResult>> findByIdempotencyKey(String idempotencyKey) {
        return Panache.withSession(() -> CommandEntity.<CommandEntity>find("idempotencyKey", idempotencyKey).firstResult())
                .map(entity -> Optional.ofNullable((CommandEntity) entity).map(Snapshots::toResult));
    }

    /** Accounts and positions read in one repeatable-read transaction: one instant of the state. */
    @Override
    public Uni<Snapshot> digest() {
        return pools.get().withConnection(connection -> connection.query("begin isolation level repeatable read read only").execute()
                .chain(() -> connection.query("select account_id, balance, version from accounts order by account_id collate \"C\"")
                        .execute())
                .chain(accounts -> connection.preparedQuery("select partition, next_offset from partition_offsets where topic = $1")
                        .execute(Tuple.of(topic))
                        .map(offsets -> {
                            var digest = new StateDigest();
                            accounts.forEach(row -> digest.add(row.getString(0), row.getLong(1), row.getLong(2)));
                            var positions = new TreeMap<Integer, Long>();
                            offsets.forEach(row -> positions.put(row.getInteger(0), row.getLong(1)));
                            return new Snapshot(digest.accounts(), digest.totalBalance(), digest.hex(), positions);
                        }))
                .call(() -> connection.query("commit").execute()));
    }
}
