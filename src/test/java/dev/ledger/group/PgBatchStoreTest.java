package dev.ledger.group;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import dev.ledger.domain.Ledger;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.group.PgBatchStore.BatchChanges;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * A transfer's debit and credit are applied on two partitions, so possibly by two instances at once,
 * each batch from what PostgreSQL held when it started. Whichever commits last must not undo the
 * other: the transfer ends COMPLETED and marked requested, as when they run one after the other, and
 * keeps the debit's reference even when the credit came without one (published by a release before
 * references).
 * (A credit can be read before its debit is committed: a replay instance on the same topic publishes
 * the follow-ups of the debits it reads.)
 */
@QuarkusTest
@TestProfile(PgBatchStoreTest.OwnDatabase.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class PgBatchStoreTest {

    /**
     * These batches change accounts with no event on the topic: a database of their own keeps the
     * other group-mode tests' database equal to what the topic says (DualModeEquivalenceTest).
     */
    public static class OwnDatabase extends GroupMode {
    }

    /** Offsets of a topic no consumer reads, so that these batches race no real one. */
    private static final String NO_TOPIC = "pg-batch-store-test";

    @Inject
    PgBatchStore store;

    @Test
    void aCreditCommittedBeforeItsConcurrentDebitLeavesTheTransferCompleted() throws SQLException {
        concurrentDebitAndCredit(true);
    }

    @Test
    void aDebitCommittedBeforeItsConcurrentCreditLeavesTheTransferCompletedAndRequested() throws SQLException {
        concurrentDebitAndCredit(false);
    }

    private record Write(SqlConnection connection, BatchState batch) {
    }

    private void concurrentDebitAndCredit(boolean creditFirst) throws SQLException {
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        var transferId = UUID.randomUUID().toString();
        var debit = new LedgerEvent(UUID.randomUUID().toString(), from, UUID.randomUUID().toString(), Instant.now(), null, null,
                new Payload.TransferRequested(transferId, to, 30, "rent"));
        var credit = new LedgerEvent(transferId + "/" + from + "/credit", to, debit.commandId(), Instant.now(), null, null,
                new Payload.TransferCreditRequested(transferId, from, 30, "EUR"));
        // Both batches read before either writes.
        var debitConnection = store.connect().await().indefinitely();
        var creditConnection = store.connect().await().indefinitely();
        var debitBatch = store.load(debitConnection, NO_TOPIC, Set.of(0), Set.of(from), Set.of(transferId), Set.of(debit.commandId()), Set.of())
                .await().indefinitely();
        var creditBatch = store.load(creditConnection, NO_TOPIC, Set.of(1), Set.of(to), Set.of(transferId), Set.of(credit.commandId()),
                Set.of(credit.eventId())).await().indefinitely();
        debitBatch.beginEvent(0, debit.timestamp());
        Ledger.apply(debitBatch, debit).writeTo(debitBatch);
        creditBatch.beginEvent(1, credit.timestamp());
        Ledger.apply(creditBatch, credit).writeTo(creditBatch);
        var debitWrite = new Write(debitConnection, debitBatch);
        var creditWrite = new Write(creditConnection, creditBatch);
        for (var write : creditFirst ? List.of(creditWrite, debitWrite) : List.of(debitWrite, creditWrite)) {
            store.write(write.connection(), NO_TOPIC, write.batch(), new BatchChanges(List.of(), List.of(), Map.of(), Map.of(), List.of()))
                    .await().indefinitely();
            write.connection().closeAndAwait();
        }

        try (var connection = PostgresResource.connect();
                var query = connection.prepareStatement("select status, requested, reference from transfers where transfer_id = ?")) {
            query.setString(1, transferId);
            var row = query.executeQuery();
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo("COMPLETED");
            assertThat(row.getBoolean(2)).as("requested").isTrue();
            assertThat(row.getString(3)).as("reference").isEqualTo("rent");
        }
        account(from).body("balance", equalTo(70));
        account(to).body("balance", equalTo(30));
    }

    /**
     * A zombie's batch: another consumer recorded the partition past this batch's first offset
     * while it was being decided. Its whole transaction is refused, the check failing in SQL since
     * COMMIT is sent with the statements, and none of its changes is written.
     */
    @Test
    void aBatchStartingBehindTheRecordedOffsetIsRefusedAndWritesNothing() throws SQLException {
        var id = openWith(100, "EUR");
        var deposit = new LedgerEvent(UUID.randomUUID().toString(), id, UUID.randomUUID().toString(), Instant.now(), null, null,
                new Payload.DepositRequested(50, null));
        var winner = store.connect().await().indefinitely();
        var zombie = store.connect().await().indefinitely();
        try {
            var winnerBatch = store.load(winner, NO_TOPIC, Set.of(2), Set.of(), Set.of(), Set.of(), Set.of()).await().indefinitely();
            var zombieBatch = store.load(zombie, NO_TOPIC, Set.of(2), Set.of(id), Set.of(), Set.of(deposit.commandId()), Set.of())
                    .await().indefinitely();
            store.write(winner, NO_TOPIC, winnerBatch, new BatchChanges(List.of(), List.of(), Map.of(2, 0L), Map.of(2, 10L), List.of()))
                    .await().indefinitely();
            zombieBatch.beginEvent(2, deposit.timestamp());
            Ledger.apply(zombieBatch, deposit).writeTo(zombieBatch);

            assertThatThrownBy(() -> store.write(zombie, NO_TOPIC, zombieBatch,
                            new BatchChanges(List.of(), List.of(), Map.of(2, 5L), Map.of(2, 6L), List.of())).await().indefinitely())
                    .isInstanceOf(PgBatchStore.StaleBatchException.class)
                    .hasMessageContaining("{2}");
        } finally {
            winner.closeAndAwait();
            zombie.closeAndAwait();
        }
        account(id).body("balance", equalTo(100));
        try (var connection = PostgresResource.connect();
                var query = connection.prepareStatement("select next_offset from partition_offsets where topic = ? and partition = 2")) {
            query.setString(1, NO_TOPIC);
            var row = query.executeQuery();
            assertThat(row.next()).isTrue();
            assertThat(row.getLong(1)).isEqualTo(10L);
        }
    }
    /**
     * The outbox: a follow-up already applied (a copy on the topic came first) is not kept, since
     * nothing would delete it; due are the entries never published that were decided before the
     * mark, and those published before the retry cutoff. Reading them marks nothing.
     */
    @Test
    void dueEntriesAreThoseNeverPublishedDecidedBeforeTheMarkAndOverdueOnesButNoAppliedFollowUp() throws SQLException {
        // A partition no consumer applies, so that no running consumer publishes these entries.
        int partition = 99;
        var prefix = "outbox-" + UUID.randomUUID() + "/";
        try (var connection = PostgresResource.connect(); var insert = connection.createStatement()) {
            insert.execute("insert into applied_follow_ups (event_id, event_partition) values ('" + prefix + "applied', 7)");
        }
        var connection = store.connect().await().indefinitely();
        try {
            var batch = store.load(connection, NO_TOPIC, Set.of(), Set.of(), Set.of(), Set.of(), Set.of()).await().indefinitely();
            // Each applied on partition 7, where the third was applied already.
            var decided = List.of(new PgBatchStore.PendingFollowUp(prefix + "unpublished", partition, 7, prefix + "unpublished event", false),
                    new PgBatchStore.PendingFollowUp(prefix + "published", partition, 7, prefix + "published event", true),
                    new PgBatchStore.PendingFollowUp(prefix + "applied", partition, 7, prefix + "applied event", false));
            store.write(connection, NO_TOPIC, batch, new BatchChanges(decided, List.of(), Map.of(), Map.of(), List.of()))
                    .await().indefinitely();
        } finally {
            connection.closeAndAwait();
        }
        var now = store.now().await().indefinitely();
        var longAgo = now.minusHours(1);
        var later = now.plusMinutes(1);

        assertThat(store.duePending(List.of(partition), longAgo, longAgo, 10).await().indefinitely()).as("nothing due yet").isEmpty();
        assertThat(store.duePending(List.of(partition), longAgo, later, 10).await().indefinitely()).as("decided before the mark")
                .containsExactly(new PgBatchStore.DueFollowUp(prefix + "unpublished", prefix + "unpublished event"));
        assertThat(store.duePending(List.of(partition), later, later, 10).await().indefinitely()).as("published before the cutoff")
                .extracting(PgBatchStore.DueFollowUp::eventId).containsExactlyInAnyOrder(prefix + "unpublished", prefix + "published");
        assertThat(store.duePending(List.of(partition), later, later, 1).await().indefinitely()).as("at most the limit").hasSize(1);
    }
}
