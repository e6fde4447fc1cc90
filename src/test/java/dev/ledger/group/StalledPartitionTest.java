package dev.ledger.group;

import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.open;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.LedgerClient;
import dev.ledger.PostgresResource;
import dev.ledger.pipeline.StalledPartitions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A record that passes the rules but that PostgreSQL refuses (here a trigger refuses it, as a
 * constraint added by a DBA would) holds back its own partition only: never skipped, visible as
 * the contract says, and applied once the database takes it.
 */
@QuarkusTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class StalledPartitionTest {

    private static final int PARTITIONS = 6;

    @Inject
    Pool database;

    private void sql(String statement) {
        database.query(statement).execute().await().atMost(Duration.ofSeconds(10));
    }

    @AfterEach
    void dropTheTrigger() {
        sql("drop trigger if exists refuse_unstorable on accounts");
    }

    @Test
    void aRecordTheDatabaseRefusesHoldsBackItsPartitionAloneUntilTheDatabaseTakesIt() {
        sql("create or replace function refuse_unstorable() returns trigger language plpgsql as $$ begin "
                + "if new.account_id like 'unstorable-%' then raise exception 'refused %', new.account_id; end if; "
                + "return new; end $$");
        sql("create trigger refuse_unstorable before insert or update on accounts for each row execute function refuse_unstorable()");
        var refused = LedgerClient.newId("unstorable");
        int stalled = partitionOf(refused);
        var neighbour = idOnPartition(stalled, true);
        var elsewhere = idOnPartition(stalled, false);
        open(neighbour, "Ada", "EUR").statusCode(201);
        open(elsewhere, "Ada", "EUR").statusCode(201);

        given().contentType(ContentType.JSON).header("Prefer", "respond-async")
                .body(Map.of("accountId", refused, "owner", "Ada", "currency", "EUR"))
                .post("/accounts").then().statusCode(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("ledger_partition_stalled{partition=\"" + stalled + "\"} 1.0")));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'ledger-group' }.data.'stalled-partition-" + stalled + "'", notNullValue());
        deposit(neighbour, 5).statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:partition-stalled"));
        deposit(elsewhere, 5).statusCode(200).body("balance", equalTo(5));

        dropTheTrigger();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/accounts/" + refused).then().statusCode(200));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> deposit(neighbour, 5).statusCode(200).body("balance", equalTo(5)));
        given().get("/q/metrics").then()
                .body(containsString("ledger_partition_stalled{partition=\"" + stalled + "\"} 0.0"));
    }

    private static int partitionOf(String accountId) {
        return StalledPartitions.partitionOf(accountId, PARTITIONS);
    }

    private static String idOnPartition(int partition, boolean same) {
        while (true) {
            var id = LedgerClient.newId("acct");
            if ((partitionOf(id) == partition) == same) {
                return id;
            }
        }
    }
}
