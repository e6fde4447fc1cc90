package dev.ledger.group;

import dev.ledger.domain.Account;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.IdempotencyRetention;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Group mode's writes, by hand-written statements: a batch's rows are read with one query per
 * table and written with one multi-row statement per table, all in one transaction with the
 * partitions' next offsets. The transaction runs on a connection the consumer keeps, and its
 * statements are pipelined: {@code BEGIN} and the reads go out together, then the writes and
 * {@code COMMIT}, so a batch costs two round trips whatever its size, with no pool in between
 * (see BENCHMARKS.md).
 */
@ApplicationScoped
public class PgBatchStore {

    /** The channel on which committed batches name what they applied: see {@link PgNotifications}. */
    public static final String CHANNEL = "ledger_applied";

    /** Looked up on use: in replay mode the datasource is inactive and its pool must not be touched. */
    private final Instance<Pool> pools;
    private final IdempotencyRetention retention;
    /**
     * {@code BEGIN}, and how the transaction is planned and made durable. Its statements read and
     * write rows by key, in tables that grow without bound; without fresh statistics (autovacuum off
     * or behind, or a plan cached while a table was nearly empty) PostgreSQL may choose to scan a
     * whole table for a batch's keys, which took 10 to 27 s a batch once {@code applied_follow_ups}
     * held 200,000 rows (BENCHMARKS.md). Each statement is planned once per connection, not on
     * every execution: for a batch of a few events, planning them took longer than running them.
     * For durability see {@code LedgerConfig.Group#synchronousCommit}.
     */
    private final String begin;

    PgBatchStore(Instance<Pool> pools, LedgerConfig config) {
        this.pools = pools;
        this.retention = new IdempotencyRetention(config.idempotencyRetention());
        this.begin = "begin; set local enable_seqscan = off; set local plan_cache_mode = force_generic_plan"
                + (config.group().synchronousCommit() ? "" : "; set local synchronous_commit = off");
    }

    /**
     * A follow-up to keep in the outbox until it is applied.
     *
     * @param targetPartition where it is applied: only a follow-up applied there under its id is it
     * @param published whether it is handed to the broker once the batch commits; one that is not
     *                  (decided while catching up, or past the publisher's window) may be claimed
     *                  before the retry interval: see {@link #duePending}
     */
    public record PendingFollowUp(String eventId, int sourcePartition, int targetPartition, String event, boolean published) {
    }

    /**
     * What one batch changed, beyond the state: the outbox and the consumed positions.
     *
     * @param firstOffsets per partition, the offset of the batch's first record
     * @param nextOffsets per partition, the offset after the batch's last record
     */
    public record BatchChanges(List<PendingFollowUp> decidedFollowUps, List<BatchState.FollowUpKey> seenFollowUps,
                               Map<Integer, Long> firstOffsets, Map<Integer, Long> nextOffsets, List<String> notifications) {
    }

    /** Another consumer already applied part of the batch (a zombie after a rebalance): nothing was written. */
    public static final class StaleBatchException extends RuntimeException {
        StaleBatchException(String message) {
            super(message, null, false, false);
        }
    }

    /** What {@code ledger_advance_offsets} raises for a stale batch (migration V6). */
    private static final String STALE_BATCH = "LG001";
    /** What PostgreSQL answers every statement after a failed one in the same transaction. */
    private static final String TRANSACTION_ABORTED = "25P02";

    /** A connection for one consumer to keep: its batches' transactions run on it, one after the other. */
    public Uni<SqlConnection> connect() {
        return pools.get().getConnection();
    }

    /**
     * Begins a batch's transaction on {@code connection} and reads the rows the batch needs, and the
     * newest event time applied on its partitions: {@code BEGIN} and the five queries go out
     * together, pipelined, in one round trip. End it with {@link #write}, or {@link #rollback}.
     */
    public Uni<BatchState> load(SqlConnection connection, String topic, Set<Integer> partitions, Set<String> accountIds,
                                Set<String> transferIds, Set<String> commandIds, Set<String> followUpIds) {
        return Uni.combine().all().unis(
                        connection.query(begin).execute(),
                        select(connection, "select account_id, owner, currency, balance, version from accounts where account_id = any($1)",
                                accountIds, row -> new Account(row.getString(0), row.getString(1), row.getString(2), row.getLong(3),
                                        row.getLong(4)), Account::accountId),
                        select(connection, "select " + TRANSFER_COLUMNS + " from transfers where transfer_id = any($1)", transferIds,
                                PgBatchStore::transfer, BatchState.TransferKey::of),
                        select(connection, "select " + CommandRows.COLUMNS + ", c.event_partition, c.event_micros from "
                                        + CommandRows.FROM + " where c.command_id = any($1)", commandIds,
                                row -> new BatchState.Dated<>(CommandRows.result(row), row.getInteger(CommandRows.COUNT),
                                        row.getLong(CommandRows.COUNT + 1)),
                                dated -> BatchState.CommandKey.of(dated.value())),
                        select(connection, "select event_id, event_partition, event_micros from applied_follow_ups where event_id = any($1)",
                                followUpIds, row -> new BatchState.Dated<>(row.getString(0), row.getInteger(1), row.getLong(2)),
                                BatchState.FollowUpKey::of),
                        newestEventTimes(connection, topic, partitions))
                .asTuple()
                .map(rows -> new BatchState(rows.getItem2(), rows.getItem3(), rows.getItem4(), rows.getItem5(), rows.getItem6(),
                        retention));
    }

    /** Ends a transaction {@link #load} began and {@link #write} did not end (harmless when none is open). */
    public Uni<Void> rollback(SqlConnection connection) {
        return connection.query("rollback").execute().replaceWithVoid();
    }

    private static Uni<Map<Integer, Long>> newestEventTimes(SqlClient client, String topic, Set<Integer> partitions) {
        return client.preparedQuery("select partition, newest_event_micros from partition_offsets "
                        + "where topic = $2 and partition = any($1) and newest_event_micros is not null")
                .execute(arrays(partitions.toArray(Integer[]::new)).addValue(topic))
                .map(rows -> {
                    var result = new HashMap<Integer, Long>();
                    rows.forEach(row -> result.put(row.getInteger(0), row.getLong(1)));
                    return result;
                });
    }

    private static <K, T> Uni<Map<K, T>> select(SqlClient client, String sql, Set<String> ids, Function<Row, T> read,
                                                 Function<T, K> key) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery(sql).execute(arrays(ids.toArray(String[]::new))).map(rows -> {
            var result = new HashMap<K, T>();
            for (var row : rows) {
                var value = read.apply(row);
                result.put(key.apply(value), value);
            }
            return result;
        });
    }

    /** What {@link #transfer(Row)} reads, in its order. */
    static final String TRANSFER_COLUMNS = "transfer_id, from_account, to_account, amount, currency, status, reason, requested, reference";

    /** The stored results of these commands, those that exist. */
    public Uni<Collection<CommandResult>> commands(Set<String> commandIds) {
        return select(pools.get(), "select " + CommandRows.COLUMNS + " from " + CommandRows.FROM + " where c.command_id = any($1)",
                commandIds, CommandRows::result, BatchState.CommandKey::of)
                .map(Map::values);
    }

    /** These transfers as they stand, those that exist. */
    public Uni<Collection<Transfer>> transfers(Set<BatchState.TransferKey> keys) {
        var ids = new HashSet<String>();
        keys.forEach(key -> ids.add(key.transferId()));
        return select(pools.get(), "select " + TRANSFER_COLUMNS + " from transfers where transfer_id = any($1)", ids,
                        PgBatchStore::transfer, BatchState.TransferKey::of)
                .map(rows -> {
                    rows.keySet().retainAll(keys);
                    return rows.values();
                });
    }

    static Transfer transfer(Row row) {
        var reason = row.getString(6);
        return new Transfer(row.getString(0), row.getString(1), row.getString(2), row.getLong(3), row.getString(4),
                TransferStatus.valueOf(row.getString(5)), reason == null ? null : Rejection.valueOf(reason), row.getBoolean(7),
                row.getString(8));
    }

    /**
     * Writes a batch's changes, outbox and offsets, and commits the transaction {@link #load}
     * began; notifications go out on commit. The statements and {@code COMMIT} are sent together
     * and the connection pipelines them, in this order: one round trip whatever the batch's size.
     * The offsets go first and only forward: if another consumer already recorded a partition past
     * this batch's start, the transaction is rolled back with {@link StaleBatchException}.
     */
    public Uni<Void> write(SqlConnection tx, String topic, BatchState state, BatchChanges changes) {
        return pipelined(List.of(
                        advanceOffsets(tx, topic, changes, state.newestMicros),
                        upsertAccounts(tx, state.changedAccounts.values()),
                        upsertTransfers(tx, state.changedTransfers.values()),
                        deleteExpired(tx, "commands", state.horizons()),
                        insertCommands(tx, state.newCommands.values()),
                        insertAppliedFollowUps(tx, state.newlyAppliedFollowUps.values()),
                        // A follow-up already applied (a copy written by a replay instance or an earlier owner, applied
                        // before the record that decides it here) is not kept: nothing would delete it, and it would be
                        // published again once due. Looked up by id, the partition a filter: with the partition in the
                        // index condition ("in (target, -1)", or two look-ups of the whole key), the plan cached on an
                        // empty table walked about 500 pages an insert, and group mode's PostgreSQL CPU per mutation at
                        // 1,000/s rose by half (BENCHMARKS.md, stop 34).
                        run(tx, "insert into pending_follow_ups (event_id, source_partition, target_partition, event, published) "
                                        + "select * from (" + rows("event_id text", "source_partition int4", "target_partition int4",
                                                "event text", "published bool") + ") as decided "
                                        + "where not exists (select 1 from applied_follow_ups applied where applied.event_id = decided.event_id "
                                        + "and (applied.event_partition = decided.target_partition "
                                        + "or applied.event_partition = " + BatchState.FollowUpKey.ANY + ")) "
                                        + "on conflict do nothing",
                                changes.decidedFollowUps().isEmpty(), arrays(
                                        strings(changes.decidedFollowUps().stream().map(PendingFollowUp::eventId).toList()),
                                        changes.decidedFollowUps().stream().map(PendingFollowUp::sourcePartition).toArray(Integer[]::new),
                                        changes.decidedFollowUps().stream().map(PendingFollowUp::targetPartition).toArray(Integer[]::new),
                                        strings(changes.decidedFollowUps().stream().map(PendingFollowUp::event).toList()),
                                        changes.decidedFollowUps().stream().map(PendingFollowUp::published).toArray(Boolean[]::new))),
                        // Only the entry applied where it belongs: a forged record elsewhere under its id is not it.
                        run(tx, "delete from pending_follow_ups pending using (" + rows("event_id text", "partition int4") + ") as seen "
                                        + "where pending.event_id = seen.event_id "
                                        + "and (pending.target_partition is null or pending.target_partition = seen.partition)",
                                changes.seenFollowUps().isEmpty(), arrays(
                                        strings(changes.seenFollowUps().stream().map(BatchState.FollowUpKey::eventId).toList()),
                                        changes.seenFollowUps().stream().map(BatchState.FollowUpKey::partition).toArray(Integer[]::new))),
                        run(tx, "select pg_notify('" + CHANNEL + "', payload) from (" + rows("payload text") + ") as batch",
                                changes.notifications().isEmpty(), arrays(strings(changes.notifications()))),
                        deleteExpired(tx, "applied_follow_ups", state.horizons()),
                        tx.query("commit").execute().replaceWithVoid()));
    }

    /**
     * Waits for every statement sent, in order, in one transaction, and fails with the first that
     * failed: the statements after it fail only because the transaction was aborted, and the
     * {@code COMMIT} then rolls it back. The stale-batch check fails as {@link StaleBatchException}.
     */
    private static Uni<Void> pipelined(List<Uni<Void>> statements) {
        var outcomes = statements.stream()
                .map(statement -> statement.map(done -> (Throwable) null).onFailure().recoverWithItem(failure -> failure))
                .toList();
        return Uni.combine().all().unis(outcomes).with(Throwable.class, failures -> failures.stream()
                        .filter(failure -> failure != null && !TRANSACTION_ABORTED.equals(SqlStates.of(failure)))
                        .findFirst())
                .flatMap(failure -> failure.isEmpty() ? Uni.createFrom().voidItem() : Uni.createFrom().failure(
                        STALE_BATCH.equals(SqlStates.of(failure.get())) ? new StaleBatchException(failure.get().getMessage()) : failure.get()));
    }

    /**
     * Drops the idempotency records that fell out of the retention on the batch's partitions: one
     * statement for all of them, by the (event_partition, event_micros) index. The commands' goes
     * before their insert, so that a command stored again once expired meets no row (see
     * {@link #insertCommands}): a result this batch stores and sees expire goes with the partition's
     * next batch. The follow-ups' goes after their insert, so such a record goes at once.
     */
    private static Uni<Void> deleteExpired(SqlClient tx, String table, Map<Integer, Long> horizons) {
        var partitions = horizons.keySet().toArray(Integer[]::new);
        var oldestKept = new Long[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            oldestKept[i] = horizons.get(partitions[i]);
        }
        return run(tx, "delete from " + table + " expired using (" + rows("p int4", "oldest int8") + ") as horizon "
                + "where expired.event_partition = horizon.p and expired.event_micros < horizon.oldest",
                partitions.length == 0, arrays(partitions, oldestKept));
    }

    /**
     * Goes first in the transaction, and only forward: if another consumer already recorded a
     * partition past this batch's start, {@code ledger_advance_offsets} raises {@link #STALE_BATCH}
     * and the transaction is rolled back. Also records each partition's newest event time, by which
     * the next batch expires idempotency records.
     */
    private static Uni<Void> advanceOffsets(SqlClient tx, String topic, BatchChanges changes, Map<Integer, Long> newestMicros) {
        var partitions = changes.nextOffsets().keySet().toArray(Integer[]::new);
        var next = new Long[partitions.length];
        var first = new Long[partitions.length];
        var newest = new Long[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            next[i] = changes.nextOffsets().get(partitions[i]);
            first[i] = changes.firstOffsets().get(partitions[i]);
            newest[i] = newestMicros.get(partitions[i]);
        }
        return run(tx, "select ledger_advance_offsets($1, $2, $3, $4, $5)", partitions.length == 0,
                Tuple.of(topic).addValue(partitions).addValue(next).addValue(first).addValue(newest));
    }

    private static Uni<Void> upsertAccounts(SqlClient tx, Collection<Account> accounts) {
        return run(tx, "insert into accounts (account_id, owner, currency, balance, version) "
                        + rows("account_id text", "owner text", "currency text", "balance int8", "version int8")
                        + " on conflict (account_id) do update set balance = excluded.balance, version = excluded.version",
                accounts.isEmpty(), arrays(
                        strings(accounts.stream().map(Account::accountId).toList()),
                        strings(accounts.stream().map(Account::owner).toList()),
                        strings(accounts.stream().map(Account::currency).toList()),
                        accounts.stream().map(Account::balance).toArray(Long[]::new),
                        accounts.stream().map(Account::version).toArray(Long[]::new)));
    }

    /**
     * A transfer's debit and its credit (or refund) are applied on different partitions, so possibly
     * by two batches at once, each from the row as it stood when it started: a credit is read before
     * its debit is committed when a replay instance on the topic publishes it. Each write therefore
     * merges into the row instead of replacing it, as the rules do in order: a settled status never
     * goes back to PENDING, {@code requested} is never unset, the first reason stays, and a
     * reference is not lost to a credit that came without one (written by a release before references).
     */
    private static Uni<Void> upsertTransfers(SqlClient tx, Collection<Transfer> transfers) {
        return run(tx, "insert into transfers (" + TRANSFER_COLUMNS + ") "
                        + rows("transfer_id text", "from_account text", "to_account text", "amount int8", "currency text",
                                "status text", "reason text", "requested bool", "reference text")
                        + " on conflict (transfer_id, from_account) do update set "
                        + "to_account = excluded.to_account, amount = excluded.amount, currency = excluded.currency, "
                        + "status = case when excluded.status = 'PENDING' then transfers.status else excluded.status end, "
                        + "reason = coalesce(transfers.reason, excluded.reason), "
                        + "requested = transfers.requested or excluded.requested, "
                        + "reference = coalesce(excluded.reference, transfers.reference)",
                transfers.isEmpty(), arrays(
                        strings(transfers.stream().map(Transfer::transferId).toList()),
                        strings(transfers.stream().map(Transfer::from).toList()),
                        strings(transfers.stream().map(Transfer::to).toList()),
                        transfers.stream().map(Transfer::amount).toArray(Long[]::new),
                        strings(transfers.stream().map(Transfer::currency).toList()),
                        strings(transfers.stream().map(transfer -> transfer.status().name()).toList()),
                        strings(transfers.stream().map(transfer -> name(transfer.reason())).toList()),
                        transfers.stream().map(Transfer::requested).toArray(Boolean[]::new),
                        strings(transfers.stream().map(Transfer::reference).toList())));
    }

    /**
     * A plain insert: an account's command id is stored again only once its earlier result expired
     * (a retry after the retention is a new command), and {@link #deleteExpired} has then deleted
     * that row earlier in the transaction. Without {@code on conflict}, PostgreSQL inserts a
     * 5,000-row batch in a sixth less time, and this statement is nearly half of a backlog's
     * database time (BENCHMARKS.md, stop 33). Rows are keyed by command id and account (V9), so
     * another partition's batch never inserts the same key.
     */
    private static Uni<Void> insertCommands(SqlClient tx, Collection<BatchState.Dated<CommandResult>> dated) {
        var commands = dated.stream().map(BatchState.Dated::value).toList();
        var accounts = commands.stream().map(CommandRows::account).toList();
        var transfers = commands.stream().map(CommandRows::transfer).toList();
        return run(tx, "insert into commands (command_id, account_id, idempotency_key, request_hash, rejection, balance, version, "
                        + "transfer_id, transfer_to, transfer_amount, transfer_currency, transfer_status, transfer_reason, "
                        + "transfer_requested, transfer_reference, event_partition, event_micros) "
                        + rows("command_id text", "account_id text", "idempotency_key text", "request_hash text", "rejection text",
                                "balance int8", "version int8", "transfer_id text", "transfer_to text", "transfer_amount int8",
                                "transfer_currency text", "transfer_status text", "transfer_reason text", "transfer_requested bool",
                                "transfer_reference text", "event_partition int4", "event_micros int8"),
                commands.isEmpty(), arrays(
                        strings(commands.stream().map(CommandResult::commandId).toList()),
                        strings(commands.stream().map(CommandResult::accountId).toList()),
                        strings(commands.stream().map(CommandResult::idempotencyKey).toList()),
                        strings(commands.stream().map(CommandResult::requestHash).toList()),
                        strings(commands.stream().map(command -> name(command.rejection())).toList()),
                        accounts.stream().map(account -> account == null ? null : account.balance()).toArray(Long[]::new),
                        accounts.stream().map(account -> account == null ? null : account.version()).toArray(Long[]::new),
                        transferColumn(transfers, Transfer::transferId),
                        transferColumn(transfers, Transfer::to),
                        transfers.stream().map(transfer -> transfer == null ? null : transfer.amount()).toArray(Long[]::new),
                        transferColumn(transfers, Transfer::currency),
                        transferColumn(transfers, transfer -> transfer.status().name()),
                        transferColumn(transfers, transfer -> name(transfer.reason())),
                        transfers.stream().map(transfer -> transfer == null ? null : transfer.requested()).toArray(Boolean[]::new),
                        transferColumn(transfers, Transfer::reference),
                        dated.stream().map(BatchState.Dated::partition).toArray(Integer[]::new),
                        dated.stream().map(BatchState.Dated::eventMicros).toArray(Long[]::new)));
    }

    /** One text column of the commands' transfers, null for a command without one. */
    private static String[] transferColumn(List<Transfer> transfers, Function<Transfer, String> column) {
        return transfers.stream().map(transfer -> transfer == null ? null : column.apply(transfer)).toArray(String[]::new);
    }

    /**
     * Not a plain insert, unlike {@link #insertCommands}: a follow-up seen again within the retention is
     * a duplicate that the rules mark applied again, which dates its record from the later sighting.
     */
    private static Uni<Void> insertAppliedFollowUps(SqlClient tx, Collection<BatchState.Dated<String>> followUps) {
        return run(tx, "insert into applied_follow_ups (event_id, event_partition, event_micros) "
                        + rows("event_id text", "event_partition int4", "event_micros int8")
                        + " on conflict (event_id, event_partition) do update set event_micros = excluded.event_micros",
                followUps.isEmpty(), arrays(
                        strings(followUps.stream().map(BatchState.Dated::value).toList()),
                        followUps.stream().map(BatchState.Dated::partition).toArray(Integer[]::new),
                        followUps.stream().map(BatchState.Dated::eventMicros).toArray(Long[]::new)));
    }

    private static String name(Rejection rejection) {
        return rejection == null ? null : rejection.name();
    }

    private static Uni<Void> run(SqlClient tx, String sql, boolean nothingToDo, Tuple parameters) {
        if (nothingToDo) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(sql).execute(parameters).replaceWithVoid();
    }

    /**
     * A batch's rows, one array parameter per column, in order: {@code select unnest($1::text[]) as
     * account_id, unnest($2::int8[]) as balance, ...}. In the select list PostgreSQL walks the arrays
     * in step; as {@code from unnest($1, $2, ...)} it first copied each array into a tuple store of
     * its own, and an insert of 5,000 commands took 39 to 44 ms instead of 21 to 26 (BENCHMARKS.md,
     * stop 36).
     *
     * @param columns each a name and a type, as {@code "account_id text"}
     */
    private static String rows(String... columns) {
        var select = new StringJoiner(", ", "select ", "");
        for (int i = 0; i < columns.length; i++) {
            var column = columns[i].split(" ");
            select.add("unnest($" + (i + 1) + "::" + column[1] + "[]) as " + column[0]);
        }
        return select.toString();
    }

    /**
     * One array parameter per argument. Typed {@code Object[]...} so that a single array stays one
     * parameter: {@code Tuple.of} or {@code List.of} would spread its elements.
     */
    private static Tuple arrays(Object[]... arrays) {
        var tuple = Tuple.tuple();
        for (var array : arrays) {
            tuple.addValue(array);
        }
        return tuple;
    }

    private static String[] strings(Collection<String> values) {
        return values.toArray(String[]::new);
    }

    /**
     * Follow-ups the broker has acknowledged leave the outbox: they are on the topic for good, and
     * applied once. Rows another transaction holds are skipped: that is a credit's applying
     * transaction, which deletes its row itself; waiting for it while holding others made the two
     * deadlock (40P01, 14 batches of one catch-up retried a second later each). The delete runs in a
     * transaction begun as an applying one, so it does not wait for a WAL flush either: a row lock is
     * held until the commit's flush, and the credit's applying transaction, which deletes the same
     * row a moment later, waited 22 to 51 ms for it (BENCHMARKS.md). A delete lost in a crash leaves
     * an entry that is published again once due, and applied as a no-op.
     */
    public Uni<Void> written(Collection<String> followUpIds) {
        if (followUpIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pools.get().withConnection(connection -> pipelined(List.of(
                connection.query(begin).execute().replaceWithVoid(),
                run(connection, "delete from pending_follow_ups where event_id in (select event_id from pending_follow_ups "
                        + "where event_id = any($1) for update skip locked)", false, arrays(strings(followUpIds))),
                connection.query("commit").execute().replaceWithVoid())));
    }

    /** Records that this partition is held back at {@code offset}, for every instance of the group to see. */
    public Uni<Void> markStalled(String topic, int partition, long offset) {
        return pools.get().preparedQuery("insert into stalled_partitions (topic, partition, next_offset) values ($1, $2, $3) "
                        + "on conflict (topic, partition) do update set next_offset = excluded.next_offset")
                .execute(Tuple.of(topic, partition, offset)).replaceWithVoid();
    }

    /** The partitions go on (applied past the record, or positioned by a new owner, which holds them again if it must). */
    public Uni<Void> clearStalled(String topic, Collection<Integer> partitions) {
        return run(pools.get(), "delete from stalled_partitions where topic = $2 and partition = any($1)", partitions.isEmpty(),
                arrays(partitions.toArray(Integer[]::new)).addValue(topic));
    }

    /** Every partition of the topic some instance of the group holds back, and where. */
    public Uni<Map<Integer, Long>> stalled(String topic) {
        return pools.get().preparedQuery("select partition, next_offset from stalled_partitions where topic = $1")
                .execute(Tuple.of(topic))
                .map(rows -> {
                    var result = new HashMap<Integer, Long>();
                    rows.forEach(row -> result.put(row.getInteger(0), row.getLong(1)));
                    return result;
                });
    }

    /** Where each partition's consumption resumes: the offset the last applying transaction recorded. */
    public Uni<Map<Integer, Long>> nextOffsets(String topic, Collection<Integer> partitions) {
        return pools.get().preparedQuery("select partition, next_offset from partition_offsets where topic = $2 and partition = any($1)")
                .execute(arrays(partitions.toArray(Integer[]::new)).addValue(topic))
                .map(rows -> {
                    var result = new HashMap<Integer, Long>();
                    rows.forEach(row -> result.put(row.getInteger(0), row.getLong(1)));
                    return result;
                });
    }

    /**
     * Up to {@code limit} outbox entries of these partitions that are due: those published before
     * {@code publishedBefore}, and those never published and decided before {@code decidedBefore}
     * (at least {@code publishedBefore}). A read, not a claim: only the partitions' owner publishes
     * them, and {@link FollowUpsInFlight} keeps it from taking one twice. Marking them published
     * here cost 40 µs a row in a catch-up's tail, where this read costs about 2 (BENCHMARKS.md). The
     * index of (partition, published time) finds them without walking the rest (V8).
     */
    public Uni<List<DueFollowUp>> duePending(Collection<Integer> partitions, OffsetDateTime publishedBefore, OffsetDateTime decidedBefore,
                                             int limit) {
        return pools.get().preparedQuery("select event_id, event from pending_follow_ups where source_partition = any($1) "
                        + "and published_at <= $3 and (published_at <= $2 or not published) limit $4")
                .execute(arrays(partitions.toArray(Integer[]::new)).addValue(publishedBefore).addValue(decidedBefore).addValue(limit))
                .map(rows -> {
                    var due = new ArrayList<DueFollowUp>();
                    rows.forEach(row -> due.add(new DueFollowUp(row.getString(0), row.getString(1))));
                    return due;
                });
    }

    /** An outbox entry due for publication: its event as the codec wrote it. */
    public record DueFollowUp(String eventId, String event) {
    }

    /** The database's clock: outbox entries are stamped with it. */
    public Uni<OffsetDateTime> now() {
        return pools.get().query("select now()").execute().map(rows -> rows.iterator().next().getOffsetDateTime(0));
    }
}
