package dev.ledger.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import dev.ledger.pipeline.EventPublisher;
import dev.ledger.pipeline.FullEmitter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A mutation the event emitter refuses (its buffer full: Kafka does not keep up) is a 503 problem
 * the client may retry, not a server error. Both modes publish through the same emitter.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaUnavailableTest {

    @Test
    void aFullEmitterBufferIsServiceUnavailable() {
        QuarkusMock.installMockForType(FullEmitter.publisher(), EventPublisher.class);
        long before = TopicProbe.recordCount();

        given().contentType(ContentType.JSON).body(Map.of("owner", "Ada", "currency", "EUR")).post("/accounts").then()
                .statusCode(503).contentType(Api.PROBLEM_JSON)
                .body("type", equalTo("urn:ledger:problem:kafka-unavailable")).body("status", equalTo(503))
                .body("title", notNullValue()).body("detail", notNullValue());

        assertThat(TopicProbe.recordCount()).as("records on the topic").isEqualTo(before);
    }
}
