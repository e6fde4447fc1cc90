package dev.ledger.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.domain.EventType;
import dev.ledger.pipeline.DeadLetters;
import dev.ledger.pipeline.InvalidRecordException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What consumers of the topic read about it over HTTP: the events' JSON Schemas and the AsyncAPI document. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SchemaResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theListingNamesEveryEventTypeItsCurrentVersionAndEachVersionsSchema() throws IOException {
        var listing = JSON.readTree(given().get("/schemas").then().statusCode(200).contentType("application/json").extract().asString());

        var types = new ArrayList<String>();
        for (var entry : listing.get("types")) {
            var type = Stream.of(EventType.values()).filter(candidate -> candidate.wireName().equals(entry.get("type").asText()))
                    .findFirst().orElseThrow();
            types.add(type.wireName());
            assertThat(entry.get("current").asInt()).isEqualTo(type.version());
            assertThat(entry.get("versions")).extracting(JsonNode::asText).containsExactlyElementsOf(IntStream
                    .rangeClosed(1, type.version()).mapToObj(version -> "/schemas/" + type.wireName() + "/" + version).toList());
        }
        assertThat(types).containsExactlyInAnyOrder(Stream.of(EventType.values()).map(EventType::wireName).toArray(String[]::new));
    }

    @Test
    void aSchemaIsServedAsTheFileTheServiceShips() throws IOException {
        var served = given().get("/schemas/TransferRequested/2").then().statusCode(200)
                .contentType("application/schema+json").extract().asByteArray();

        try (var shipped = getClass().getResourceAsStream("/schemas/TransferRequested/v2.json")) {
            assertThat(served).isEqualTo(shipped.readAllBytes());
        }
        assertThat(JSON.readTree(served).at("/properties/data/properties/reference/maxLength").asInt()).isEqualTo(200);
    }

    @Test
    void everyVersionOfEveryTypeIsServed() {
        for (var type : EventType.values()) {
            for (int version = 1; version <= type.version(); version++) {
                given().get("/schemas/" + type.wireName() + "/" + version).then().statusCode(200)
                        .body("properties.type.const", equalTo(type.wireName()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/schemas/AccountClosed/1", "/schemas/TransferRequested/3", "/schemas/TransferRequested/0",
            "/schemas/TransferRequested/v2", "/schemas/transferrequested/1", "/schemas/DepositRequested/01"})
    void anUnknownTypeOrVersionIsANotFoundProblem(String path) {
        given().get(path).then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:schema-not-found"))
                .body("status", equalTo(404));
    }

    @Test
    void theAsyncApiDocumentParsesAndNamesEveryEventType() throws IOException {
        var text = given().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        var document = new YAMLMapper().readTree(text);

        assertThat(document.get("asyncapi").asText()).isEqualTo("3.0.0");
        var names = Stream.of(EventType.values()).map(EventType::wireName).toArray(String[]::new);
        assertThat(fieldNames(document.at("/channels/events/messages"))).containsExactlyInAnyOrder(names);
        assertThat(fieldNames(document.at("/components/messages"))).contains(names);
        for (var type : EventType.values()) {
            var message = document.at("/components/messages/" + type.wireName());
            assertThat(message.get("name").asText()).isEqualTo(type.wireName());
            var schema = message.at("/payload/schema");
            var refs = schema.has("$ref") ? List.of(schema.get("$ref").asText())
                    : schema.get("oneOf").findValuesAsText("$ref");
            // Every version the topic may hold, each a schema the service serves.
            assertThat(refs).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, type.version())
                    .mapToObj(version -> "schemas/" + type.wireName() + "/" + version).toList());
            for (var ref : refs) {
                given().get(URI.create("/asyncapi.yaml").resolve(ref).toString()).then().statusCode(200);
            }
        }
    }

    @Test
    void theAsyncApiDocumentNamesTheDeadLetterHeaders() throws IOException {
        var document = new YAMLMapper().readTree(given().get("/asyncapi.yaml").then().statusCode(200).extract().asString());

        assertThat(fieldNames(document.at("/components/messages/DeadLetter/headers/properties"))).containsExactlyInAnyOrder(
                DeadLetters.REASON, DeadLetters.DETAIL, DeadLetters.SOURCE_TOPIC, DeadLetters.SOURCE_PARTITION,
                DeadLetters.SOURCE_OFFSET, DeadLetters.VALUE_DROPPED);
        assertThat(document.at("/components/messages/DeadLetter/headers/properties/ledger-dlq-reason/enum"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(Stream.of(InvalidRecordException.Reason.values()).map(InvalidRecordException.Reason::tag)
                        .toArray(String[]::new));
    }

    private static List<String> fieldNames(JsonNode node) {
        var names = new HashSet<String>();
        node.fieldNames().forEachRemaining(names::add);
        return List.copyOf(names);
    }
}
