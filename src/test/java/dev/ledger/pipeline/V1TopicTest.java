package dev.ledger.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The topic is kept forever: a topic written by the release before event versions
 * ({@code fixtures/v1-topic.jsonl}, every event type, written by that release's code) still reads
 * to the state that release computed for it ({@code v1-topic.expected.json}): the same digest at
 * the same positions, the same accounts and transfers, and idempotent retries answered as then.
 */
@QuarkusTest
@TestProfile(V1TopicTest.ReplayOnItsOwnTopic.class)
@WithTestResource(KafkaBrokerResource.class)
public class V1TopicTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A topic of its own, so that no other test's events are in the digest. */
    public static class ReplayOnItsOwnTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledger.topic", "v1-fixture");
        }
    }

    @Test
    public void aTopicWrittenByVersionOneReadsToTheStateItHadThen() {
        var fixture = fixtureLines();
        var expected = resource("v1-topic.expected.json");
        TopicProbe.write(fixture.stream().map(V1TopicTest::asWrittenThen).toList());

        await().atMost(Duration.ofSeconds(30)).until(() -> positionsSum(digest()) >= fixture.size());
        assertThat(comparable(digest())).isEqualTo(comparable(expected.get("digest")));
        for (var answer : expected.get("answers")) {
            var actual = given().get(answer.get("path").asText());
            assertThat(actual.statusCode()).as(answer.get("path").asText()).isEqualTo(answer.get("status").asInt());
            assertThat(json(actual.asString())).as(answer.get("path").asText()).isEqualTo(answer.get("body"));
        }
        for (var retry : expected.get("retries")) {
            var actual = given().contentType(ContentType.JSON).header("Idempotency-Key", retry.get("idempotencyKey").asText())
                    .body(retry.get("body").toString()).post(retry.get("path").asText());
            assertThat(actual.statusCode()).as(retry.toString()).isEqualTo(retry.get("status").asInt());
            assertThat(json(actual.asString())).as(retry.toString()).isEqualTo(retry.get("answer"));
        }
        assertThat(digest().get("digest")).as("the digest after the retries").isEqualTo(expected.get("digest").get("digest"));
    }

    /**
     * The record as it was on the topic then, its timestamp included: group mode publishes at once
     * the follow-ups a recent record decides, and leaves those of an old one to the topic, which
     * already holds them.
     */
    private static ProducerRecord<String, byte[]> asWrittenThen(JsonNode line) {
        var value = line.get("value").asText();
        var writtenAt = Instant.parse(json(value).get("timestamp").asText()).toEpochMilli();
        return new ProducerRecord<>(TopicProbe.topic(), null, writtenAt, line.get("key").asText(), value.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest without its mode, and without the partitions still at 0, which group mode does not list. */
    private static JsonNode comparable(JsonNode digest) {
        var copy = ((ObjectNode) digest).deepCopy();
        copy.remove("mode");
        var positions = (ObjectNode) copy.get("positions");
        positions.properties().removeIf(position -> position.getValue().asLong() == 0);
        return copy;
    }

    private static ObjectNode digest() {
        return (ObjectNode) json(given().get("/admin/digest").then().statusCode(200).extract().asString());
    }

    private static long positionsSum(JsonNode digest) {
        return digest.get("positions").properties().stream().mapToLong(position -> position.getValue().asLong()).sum();
    }

    private static List<JsonNode> fixtureLines() {
        try (var lines = new BufferedReader(new InputStreamReader(open("v1-topic.jsonl"), StandardCharsets.UTF_8))) {
            return lines.lines().map(V1TopicTest::json).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode resource(String name) {
        try (var in = open(name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        var in = V1TopicTest.class.getResourceAsStream("/fixtures/" + name);
        assertThat(in).as(name).isNotNull();
        return in;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
