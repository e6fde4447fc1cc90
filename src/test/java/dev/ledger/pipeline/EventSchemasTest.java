package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import dev.ledger.domain.EventType;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas shipped for consumers ({@code src/main/resources/schemas}) say what is on the
 * topic: one per type and version this release reads, what the codec writes valid against the
 * current one, every record of the version-1 fixture topic valid against version 1.
 */
class EventSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Instant AT = Instant.parse("2026-11-29T10:00:00.123Z");

    private final EventCodec codec = new EventCodec();

    static Stream<LedgerEvent> written() {
        return Stream.concat(EventCodecTest.everyPayloadType(), Stream.of(
                new LedgerEvent("e-t", "alice", "c-t", AT, "key", "ab12", new Payload.TransferRequested("t-1", "bob", 250, "rent")),
                new LedgerEvent("t-1/alice/credit", "bob", "c-t", AT, null, null,
                        new Payload.TransferCreditRequested("t-1", "alice", 250, "EUR", "rent"))));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeShipsOneSchemaForEachVersionItReads(EventType type) {
        for (int version = 1; version <= type.version(); version++) {
            var schema = schemaJson(type, version);
            assertThat(schema.at("/properties/type/const").asText()).isEqualTo(type.wireName());
            assertThat(schema.at("/properties/v/const").asInt()).isEqualTo(version);
            assertThat(schema.get("$id").asText()).isEqualTo("urn:ledger:event:" + type.wireName() + ":" + version);
        }
        assertThat(EventSchemasTest.class.getResource(path(type, type.version() + 1))).as("a schema for a version not read").isNull();
    }

    @Test
    void noSchemaIsShippedForATypeThatDoesNotExist() throws IOException {
        try (var directories = Files.list(Path.of("src/main/resources/schemas"))) {
            assertThat(directories.map(directory -> directory.getFileName().toString()))
                    .containsExactlyInAnyOrder(Stream.of(EventType.values()).map(EventType::wireName).toArray(String[]::new));
        }
    }

    /** The current schema names exactly the payload's fields: it cannot fall behind the code. */
    @ParameterizedTest
    @EnumSource(EventType.class)
    void theCurrentSchemaNamesExactlyThePayloadsFields(EventType type) {
        var named = new HashSet<String>();
        schemaJson(type, type.version()).at("/properties/data/properties").fieldNames().forEachRemaining(named::add);

        assertThat(named).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(type.payload().getRecordComponents()).map(RecordComponent::getName).toList());
    }

    @ParameterizedTest
    @MethodSource("written")
    void whatTheCodecWritesIsValidAgainstItsTypesCurrentSchema(LedgerEvent event) throws IOException {
        var record = JSON.readTree(codec.encode(event));

        assertThat(schema(event.type(), event.type().version()).validate(record)).isEmpty();
    }

    @Test
    void everyRecordOfTheVersionOneTopicIsValidAgainstItsTypesVersionOneSchema() throws IOException {
        var lines = fixture();
        assertThat(lines).isNotEmpty();
        for (var line : lines) {
            var record = JSON.readTree(line.get("value").asText());
            var type = EventCodec.TYPES.get(record.get("type").asText());
            assertThat(record.has("v")).isFalse();
            assertThat(schema(type, 1).validate(record)).as(record.toString()).isEmpty();
        }
    }

    @Test
    void aRecordTheRulesWouldSkipIsNotValid() throws IOException {
        var record = (ObjectNode) JSON.readTree(codec.encode(
                new LedgerEvent("e", "alice", "c", AT, null, null, new Payload.TransferRequested("t-1", "bob", 5, "rent"))));
        ((ObjectNode) record.get("data")).put("reference", "r".repeat(201));

        assertThat(schema(EventType.TRANSFER_REQUESTED, 2).validate(record)).isNotEmpty();
        record.put("v", 1);
        assertThat(schema(EventType.TRANSFER_REQUESTED, 2).validate(record)).as("a version 1 record against version 2").isNotEmpty();
    }

    private static String path(EventType type, int version) {
        return "/schemas/" + type.wireName() + "/v" + version + ".json";
    }

    private static JsonNode schemaJson(EventType type, int version) {
        try (var in = EventSchemasTest.class.getResourceAsStream(path(type, version))) {
            assertThat(in).as(path(type, version)).isNotNull();
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonSchema schema(EventType type, int version) {
        return FACTORY.getSchema(schemaJson(type, version), CONFIG);
    }

    private static List<JsonNode> fixture() throws IOException {
        try (var in = EventSchemasTest.class.getResourceAsStream("/fixtures/v1-topic.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(line -> {
                try {
                    return JSON.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
