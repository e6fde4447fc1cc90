package dev.ledger.group;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;
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

    private void concurrentDebitAndCredit(boolean creditFirst) throws SQLException {
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        var transferId = UUID.randomUUID().toString();
        var debit = new LedgerEvent(UUID.randomUUID().toString(), from, UUID.randomUUID().toString(), Instant.now(), null, null,
                new Payload.TransferRequested(transferId, to, 30, "rent"));
        var credit = new LedgerEvent(transferId + "/" + from + "/credit", to, debit.commandId(), Instant.now(), null, null,
                new Payload.TransferCreditRequested(transferId, from, 30, "EUR"));
        // Both batches read before either writes.
        var debitBatch = store.load(NO_TOPIC, Set.of(0), Set.of(from), Set.of(transferId), Set.of(debit.commandId()), Set.of())
                .await().indefinitely();
        var creditBatch = store.load(NO_TOPIC, Set.of(1), Set.of(to), Set.of(transferId), Set.of(credit.commandId()),
                Set.of(credit.eventId())).await().indefinitely();
        debitBatch.beginEvent(0, debit.timestamp());
        Ledger.apply(debitBatch, debit).writeTo(debitBatch);
        creditBatch.beginEvent(1, credit.timestamp());
        Ledger.apply(creditBatch, credit).writeTo(creditBatch);
        for (var batch : creditFirst ? List.of(creditBatch, debitBatch) : List.of(debitBatch, creditBatch)) {
            store.write(NO_TOPIC, batch, new BatchChanges(List.of(), Set.of(), Map.of(), Map.of(), List.of())).await().indefinitely();
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
}
