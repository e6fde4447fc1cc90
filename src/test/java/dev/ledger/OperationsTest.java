package dev.ledger;

import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.ledger.config.LedgerConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class OperationsTest {

    @Inject
    LedgerConfig config;

    private boolean replay() {
        return config.mode() == LedgerConfig.Mode.REPLAY;
    }

    @Test
    void aCaughtUpInstanceIsLiveAndReady() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(replay() ? "ledger-replay" : "ledger-group"));
    }

    @Test
    void aCaughtUpInstanceHasStarted() {
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(replay() ? "ledger-replay" : "ledger-group"));
    }

    @Test
    void metricsCoverConsumptionAndRequests() {
        openWith(10, "EUR");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ledger_events_applied_total{outcome=\"applied\""))
                .body(containsString("ledger_records_skipped_total{reason=\"malformed\""))
                .body(containsString("ledger_consumer_lag{partition="))
                .body(containsString("ledger_mutations_seconds_count{"))
                .body(replay() ? containsString("ledger_replay_progress") : not(containsString("ledger_replay_progress")));
    }

    @Test
    void withoutAnOtlpEndpointNoRecordCarriesATrace() {
        var account = openWith(10, "EUR");
        assertThat(TopicProbe.readAll(TopicProbe.topic())).filteredOn(record -> account.equals(record.key()))
                .hasSize(2)
                .allSatisfy(record -> assertThat(record.headers().lastHeader("traceparent")).isNull());
    }

    @Test
    void theApiIsDescribedByOpenApiAndSwaggerUi() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/accounts/{id}/withdrawals"))
                .body(not(containsString("securitySchemes")));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
