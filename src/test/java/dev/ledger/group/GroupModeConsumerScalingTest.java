package dev.ledger.group;

import static dev.ledger.TopicProbe.event;
import static dev.ledger.TopicProbe.positionsSum;
import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import dev.ledger.TopicProbe;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.LedgerQueries;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(GroupModeConsumerScalingTest.ScalingWithinASecond.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeConsumerScalingTest {

    /** Enough that one consumer takes well over the scaler's second to apply them, on any machine. */
    private static final int ACCOUNTS = 50_000;

    /** Two consumers for a backlog of more than 1,000 records, one once caught up for a second. */
    public static class ScalingWithinASecond extends GroupMode {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("ledger.group.consumers", "2");
            overrides.put("ledger.group.caught-up-consumers", "1");
            overrides.put("ledger.group.backlog", "1000");
            overrides.put("ledger.group.caught-up-after", "1s");
            return overrides;
        }
    }

    @Inject
    dev.ledger.group.GroupMode mode;
    @Inject
    EventCodec codec;
    @Inject
    LedgerQueries queries;

    @Test
    void aCaughtUpInstanceAppliesEveryPartitionWithOneConsumerAndABacklogBringsBackTheOther() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> mode.consumers().size() == 1
                && mode.consumers().get(0).applyingPartitions().size() == TopicProbe.describe(TopicProbe.topic()).partitions());

        // Each answer means the one consumer applied the event.
        var ids = new ArrayList<String>();
        for (int i = 0; i < 24; i++) {
            var id = openWith(100, "EUR");
            deposit(id, 5).statusCode(200);
            ids.add(id);
        }
        ids.forEach(id -> account(id).body("balance", equalTo(105)));

        var prefix = "backlog-" + UUID.randomUUID();
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        for (int i = 1; i <= ACCOUNTS; i++) {
            var id = prefix + "-" + i;
            records.add(TopicProbe.record(id, codec.encode(event(id, new Payload.AccountOpenRequested("Backlog", "EUR")))));
            records.add(TopicProbe.record(id, codec.encode(event(id, new Payload.DepositRequested(1, null)))));
        }
        // Held while the backlog is written, the consumer then finds all of it at once, not record by record.
        try (var database = PostgresResource.connect()) {
            database.setAutoCommit(false);
            database.createStatement().execute("lock table accounts in access exclusive mode");
            TopicProbe.write(records);
            database.rollback();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> mode.consumers().size() == 2);

        long total = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(120)).until(() -> appliedPositions() == total);
        List<Map<String, Object>> page = given().queryParam("after", prefix).queryParam("limit", 1_000).get("/accounts")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertThat(page).hasSize(1_000).allSatisfy(account -> {
            assertThat((String) account.get("accountId")).startsWith(prefix);
            assertThat(account.get("balance")).isEqualTo(1);
            assertThat(account.get("version")).isEqualTo(2);
        });
        assertThat(queries.digest().await().indefinitely().totalBalance()).isEqualTo(24 * 105L + ACCOUNTS);

        await().atMost(Duration.ofSeconds(30)).until(() -> mode.consumers().size() == 1);
    }

    private long appliedPositions() {
        return positionsSum(queries.digest().await().indefinitely());
    }
}
