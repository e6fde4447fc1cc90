package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import dev.ledger.pipeline.InvalidRecordException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import dev.ledger.domain.EventType;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    private static final Instant AT = Instant.parse("2025-03-04T05:06:07.123456789Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventCodec codec = new EventCodec();

    static Stream<LedgerEvent> everyPayloadType() {
        return Stream.of(
                event("alice", null, new Payload.AccountOpenRequested("Alice Liddell", "EUR")),
                event("alice", "f00d", new Payload.DepositRequested(500, "salary")),
                event("alice", null, new Payload.DepositRequested(1, null)),
                event("alice", "cafe", new Payload.WithdrawalRequested(1_000_000_000_000L, "rent")),
                event("alice", null, new Payload.TransferRequested("t-1", "bob", 250)),
                event("bob", null, new Payload.TransferCreditRequested("t-1", "alice", 250, "EUR")),
                event("alice", null, new Payload.TransferRefundRequested("t-1", "bob", 250, "EUR", Rejection.CURRENCY_MISMATCH)));
    }

    // ---------------------------------------------------------------------------------------------
    // Encoding

    @Nested
    class Encoding {

        @ParameterizedTest
        @MethodSource("dev.ledger.pipeline.EventCodecTest#everyPayloadType")
        void everyPayloadTypeRoundTripsUnchanged(LedgerEvent event) {
            assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
        }

        @ParameterizedTest
        @MethodSource("dev.ledger.pipeline.EventCodecTest#everyPayloadType")
        void encodedEnvelopeHasTheDocumentedTopLevelFields(LedgerEvent event) {
            var json = parse(codec.encode(event));

            assertThat(json.get("eventId").asText()).isEqualTo(event.eventId());
            assertThat(json.get("type").asText()).isEqualTo(event.payload().getClass().getSimpleName());
            assertThat(json.get("accountId").asText()).isEqualTo(event.accountId());
            assertThat(json.get("commandId").asText()).isEqualTo(event.commandId());
            assertThat(json.get("timestamp").isTextual()).isTrue();
            assertThat(json.get("data").isObject()).isTrue();
        }

        @Test
        void timestampIsAnIso8601String() {
            var json = parse(codec.encode(deposit()));

            assertThat(json.get("timestamp").asText()).isEqualTo("2025-03-04T05:06:07.123456789Z");
        }

        @Test
        void dataCarriesThePayloadFieldsWithIntegerAmounts() {
            var json = parse(codec.encode(event("alice", null, new Payload.TransferRequested("t-1", "bob", 250))));

            assertThat(json.get("type").asText()).isEqualTo("TransferRequested");
            assertThat(json.get("data").get("transferId").asText()).isEqualTo("t-1");
            assertThat(json.get("data").get("to").asText()).isEqualTo("bob");
            assertThat(json.get("data").get("amount").isIntegralNumber()).isTrue();
            assertThat(json.get("data").get("amount").asLong()).isEqualTo(250);
        }

        @Test
        void refundReasonIsItsName() {
            var json = parse(codec.encode(event("alice", null,
                    new Payload.TransferRefundRequested("t-1", "bob", 250, "EUR", Rejection.ACCOUNT_NOT_FOUND))));

            assertThat(json.get("data").get("reason").asText()).isEqualTo("ACCOUNT_NOT_FOUND");
        }

        @Test
        void idempotencyKeyAndRequestHashAreWrittenWhenPresent() {
            var json = parse(codec.encode(event("alice", "f00d", new Payload.DepositRequested(1, null))));

            assertThat(json.get("idempotencyKey").asText()).isEqualTo("key-f00d");
            assertThat(json.get("requestHash").asText()).isEqualTo("f00d");
        }

        @Test
        void idempotencyKeyAndRequestHashAreLeftOutWhenAbsent() {
            var json = parse(codec.encode(event("alice", null, new Payload.DepositRequested(1, null))));

            assertThat(json.has("idempotencyKey")).isFalse();
            assertThat(json.has("requestHash")).isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding what is not JSON, or not an envelope

    @Nested
    class Malformed {

        @Test
        void garbageBytesAreMalformed() {
            assertUndecodable(new byte[] {(byte) 0xff, 0x00, 0x13, 0x37, (byte) 0xfe}, Reason.MALFORMED);
        }

        @Test
        void plainTextIsMalformed() {
            assertUndecodable(bytes("hello, ledger"), Reason.MALFORMED);
        }

        @Test
        void truncatedJsonIsMalformed() {
            var whole = codec.encode(deposit());

            assertUndecodable(Arrays.copyOf(whole, whole.length / 2), Reason.MALFORMED);
        }

        @Test
        void jsonArrayIsMalformed() {
            assertUndecodable(bytes("[" + new String(codec.encode(deposit()), StandardCharsets.UTF_8) + "]"), Reason.MALFORMED);
        }

        @Test
        void jsonScalarIsMalformed() {
            assertUndecodable(bytes("42"), Reason.MALFORMED);
        }

        @Test
        void nullValueIsMalformed() {
            assertUndecodable(null, Reason.MALFORMED);
        }

        @Test
        void emptyValueIsMalformed() {
            assertUndecodable(new byte[0], Reason.MALFORMED);
        }

        /** {@code readValue} answers null for the JSON text "null"; decode once threw a NullPointerException for it. */
        @Test
        void jsonNullLiteralIsMalformed() {
            assertUndecodable(bytes("null"), Reason.MALFORMED);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding an envelope whose type is not known

    @Nested
    class UnknownType {

        @Test
        void unknownTypeIsReportedAsSuch() {
            assertUndecodable(mutated(deposit(), json -> json.put("type", "AccountClosed")), Reason.UNKNOWN_TYPE);
        }

        @Test
        void typeInAnotherCaseIsUnknown() {
            assertUndecodable(mutated(deposit(), json -> json.put("type", "depositrequested")), Reason.UNKNOWN_TYPE);
        }

        @Test
        void missingTypeIsUnknown() {
            assertUndecodable(mutated(deposit(), json -> json.remove("type")), Reason.UNKNOWN_TYPE);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding a known type with missing or out-of-range fields

    @Nested
    class Invalid {

        @Test
        void missingAmountIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> data(json).remove("amount")), Reason.INVALID);
        }

        @Test
        void nullAmountIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> data(json).putNull("amount")), Reason.INVALID);
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -5, 1_000_000_000_001L})
        void amountOutOfRangeIsInvalid(long amount) {
            assertUndecodable(mutated(deposit(), json -> data(json).put("amount", amount)), Reason.INVALID);
        }

        @Test
        void fractionalAmountIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> data(json).put("amount", 1.5)), Reason.INVALID);
        }

        @Test
        void missingDataIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> json.remove("data")), Reason.INVALID);
        }

        @Test
        void dataThatIsNotAnObjectIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> json.put("data", 500)), Reason.INVALID);
        }

        @Test
        void missingEventIdIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> json.remove("eventId")), Reason.INVALID);
        }

        @Test
        void missingAccountIdIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> json.remove("accountId")), Reason.INVALID);
        }

        @Test
        void missingCommandIdIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> json.remove("commandId")), Reason.INVALID);
        }

        @Test
        void missingTimestampIsInvalid() {
            assertUndecodable(mutated(deposit(), json -> json.remove("timestamp")), Reason.INVALID);
        }

        @Test
        void badCurrencyIsInvalid() {
            var open = event("alice", null, new Payload.AccountOpenRequested("Alice", "EUR"));

            assertUndecodable(mutated(open, json -> data(json).put("currency", "euro")), Reason.INVALID);
        }

        @Test
        void missingTransferIdIsInvalid() {
            var transfer = event("alice", null, new Payload.TransferRequested("t-1", "bob", 250));

            assertUndecodable(mutated(transfer, json -> data(json).remove("transferId")), Reason.INVALID);
        }

        @Test
        void unknownRefundReasonIsInvalid() {
            var refund = event("alice", null,
                    new Payload.TransferRefundRequested("t-1", "bob", 250, "EUR", Rejection.ACCOUNT_NOT_FOUND));

            assertUndecodable(mutated(refund, json -> data(json).put("reason", "BECAUSE")), Reason.INVALID);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static LedgerEvent event(String accountId, String requestHash, Payload payload) {
        var idempotencyKey = requestHash == null ? null : "key-" + requestHash;
        return new LedgerEvent("event-" + payload.getClass().getSimpleName(), accountId, "command-1", AT, idempotencyKey,
                requestHash, payload);
    }

    private static LedgerEvent deposit() {
        return event("alice", null, new Payload.DepositRequested(500, "salary"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode data(ObjectNode envelope) {
        return (ObjectNode) envelope.get("data");
    }

    /** The event as the codec writes it, then changed by {@code change}: a record some other producer might have written. */
    private byte[] mutated(LedgerEvent event, Consumer<ObjectNode> change) {
        var envelope = (ObjectNode) parse(codec.encode(event));
        change.accept(envelope);
        try {
            return JSON.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertUndecodable(byte[] value, Reason reason) {
        assertThatThrownBy(() -> codec.decode(value))
                .isInstanceOf(InvalidRecordException.class)
                .satisfies(thrown -> assertThat(((InvalidRecordException) thrown).reason()).isEqualTo(reason));
    }

    /** The one list of event types is EventType; the reflection registration an annotation needs must name the same. */
    @Test
    void theReflectionRegistrationNamesEveryEventTypeAndNothingElse() {
        var registered = Set.of(EventCodec.class.getAnnotation(RegisterForReflection.class).targets());
        var types = Arrays.stream(EventType.values()).map(EventType::payload).collect(Collectors.toSet());
        assertThat(registered).isEqualTo(types);
    }
}
