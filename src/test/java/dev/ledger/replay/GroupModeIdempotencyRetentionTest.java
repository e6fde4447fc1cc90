package dev.ledger.replay;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link IdempotencyRetentionTest} with the running instance in group mode: PostgreSQL drops the
 * same records at the same offsets, and a replay consumer rebuilding the topic reaches its digest.
 */
@QuarkusTest
@TestProfile(GroupModeIdempotencyRetentionTest.DayRetentionInGroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeIdempotencyRetentionTest extends IdempotencyRetentionTest {

    public static class DayRetentionInGroupMode extends DayRetention {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledger.idempotency-retention", "PT24H", "ledger.mode", "group");
        }
    }

    @Test
    void theSnapshotEndpointAnswers404InGroupModeWhichKeepsNone() {
        given().get("/admin/snapshot").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:snapshot-not-found"));
    }
}
