package dev.ledger.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Writes {@code src/test/resources/fixtures/v1-topic.jsonl} and {@code v1-topic.expected.json}:
 * the topic today's code writes for a scenario that uses every event type, and what today's code
 * answers for it. Run once, on the code before event versions, then removed: run later, it would
 * write the current versions, and the fixture must stay what version 1 was.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class V1TopicFixtureWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    private final List<Map<String, Object>> retries = new ArrayList<>();

    @Test
    void writeTheFixture() throws Exception {
        post("/accounts", "open-alice", Map.of("accountId", "alice", "owner", "Alice Liddell", "currency", "EUR"), 201);
        post("/accounts", null, Map.of("accountId", "bob", "owner", "Bob", "currency", "EUR"), 201);
        post("/accounts", null, Map.of("accountId", "carol", "owner", "Carol Ünïcødé ☃", "currency", "USD"), 201);
        post("/accounts", null, Map.of("accountId", "dave.d_1-x", "owner", "Dave", "currency", "EUR"), 201);
        post("/accounts", null, Map.of("accountId", "alice", "owner", "Another Alice", "currency", "EUR"), 409);
        post("/accounts/alice/deposits", "deposit-salary", Map.of("amount", 10_000, "reference", "salary"), 200);
        post("/accounts/bob/deposits", null, Map.of("amount", 500), 200);
        post("/accounts/alice/withdrawals", null, Map.of("amount", 2_500, "reference", "rent"), 200);
        post("/accounts/bob/withdrawals", "withdraw-too-much", Map.of("amount", 999_999), 409);
        post("/transfers", "transfer-completed", Map.of("transferId", "t-completed", "from", "alice", "to", "bob", "amount", 1_500), 201);
        post("/transfers", null, Map.of("transferId", "t-unknown-receiver", "from", "alice", "to", "nobody", "amount", 100), 201);
        post("/transfers", null, Map.of("transferId", "t-other-currency", "from", "alice", "to", "carol", "amount", 200), 201);
        post("/transfers", null, Map.of("transferId", "t-rejected", "from", "bob", "to", "alice", "amount", 1_000_000), 201);
        post("/transfers", null, Map.of("transferId", "t-no-sender", "from", "nobody", "to", "alice", "amount", 5), 201);
        post("/transfers", "transfer-unnamed", Map.of("from", "bob", "to", "dave.d_1-x", "amount", 300), 201);
        // Retries of requests already applied: each writes its event again, which applying ignores.
        for (var retry : retries) {
            var again = send(retry);
            assertThat(again.statusCode()).isEqualTo(retry.get("status"));
            assertThat(JSON.readTree(again.asString())).isEqualTo(retry.get("answer"));
        }
        post("/accounts/alice/deposits", "deposit-salary", Map.of("amount", 99), 422);

        var records = new ArrayList<>(TopicProbe.readAll(TopicProbe.topic()));
        records.sort(Comparator.<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>>comparingInt(r -> r.partition())
                .thenComparingLong(r -> r.offset()));
        var lines = new StringBuilder();
        var line = new ObjectMapper();
        for (var record : records) {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("key", record.key());
            entry.put("value", new String(record.value(), StandardCharsets.UTF_8));
            lines.append(line.writeValueAsString(entry)).append('\n');
        }
        var digest = (ObjectNode) JSON.readTree(given().get("/admin/digest").then().statusCode(200).extract().asString());
        digest.remove("mode");
        assertThat(digest.get("positions").properties().stream().mapToLong(p -> p.getValue().asLong()).sum())
                .isEqualTo(records.size());

        var answers = new ArrayList<Map<String, Object>>();
        for (var path : List.of("/accounts/alice", "/accounts/bob", "/accounts/carol", "/accounts/dave.d_1-x",
                "/transfers/t-completed", "/transfers/t-unknown-receiver", "/transfers/t-other-currency",
                "/transfers/t-rejected", "/transfers/t-no-sender")) {
            var answer = given().get(path);
            answers.add(Map.of("path", path, "status", answer.statusCode(), "body", JSON.readTree(answer.asString())));
        }
        var expected = new LinkedHashMap<String, Object>();
        expected.put("digest", digest);
        expected.put("answers", answers);
        expected.put("retries", retries);

        Files.createDirectories(FIXTURES);
        Files.writeString(FIXTURES.resolve("v1-topic.jsonl"), lines);
        Files.writeString(FIXTURES.resolve("v1-topic.expected.json"), JSON.writeValueAsString(expected) + "\n");
    }

    /** Sends a request and, when it carries an Idempotency-Key, keeps it with its answer to be retried later. */
    private void post(String path, String key, Map<String, ?> body, int status) throws Exception {
        var request = new LinkedHashMap<String, Object>();
        request.put("path", path);
        request.put("idempotencyKey", key);
        request.put("body", body);
        var answer = send(request);
        assertThat(answer.statusCode()).as("%s %s", path, body).isEqualTo(status);
        if (key != null && status != 422) {
            request.put("status", answer.statusCode());
            request.put("answer", JSON.readTree(answer.asString()));
            retries.add(request);
        }
    }

    private static Response send(Map<String, Object> request) {
        var spec = given().contentType(ContentType.JSON).body(request.get("body"));
        if (request.get("idempotencyKey") != null) {
            spec.header("Idempotency-Key", request.get("idempotencyKey"));
        }
        return spec.post((String) request.get("path"));
    }
}
