package dev.ledger.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ledger.config.JsonStrictness;
import dev.ledger.domain.EventType;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;

/**
 * The topic's wire format: a JSON envelope whose {@code type} names the payload in {@code data},
 * at the version {@code v} of that type (absent: 1). It writes each type's current version and
 * reads every version up to it, upcasting older ones ({@link Upcasts}); a newer version than this
 * release knows is a type it does not know. It keeps its own mapper so that the event format never
 * changes with the REST API's settings.
 * The reflection list below is the one copy of {@link EventType}'s list that an annotation needs;
 * a test checks that the two agree.
 */
@Singleton
@RegisterForReflection(targets = {Payload.AccountOpenRequested.class, Payload.DepositRequested.class,
        Payload.WithdrawalRequested.class, Payload.TransferRequested.class, Payload.TransferCreditRequested.class,
        Payload.TransferRefundRequested.class})
public final class EventCodec {

    static final Map<String, EventType> TYPES = Stream.of(EventType.values())
            .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    /** Unknown fields are ignored: the contract promises "at least" these, so producers may add more. */
    private final ObjectMapper mapper = JsonStrictness.strict(JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build());

    public byte[] encode(LedgerEvent event) {
        try {
            return mapper.writeValueAsBytes(new Outgoing(event.eventId(), event.type().wireName(), event.type().version(),
                    event.accountId(), event.commandId(), event.timestamp(), event.idempotencyKey(), event.requestHash(),
                    event.payload()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("events are plain records and always serialise", e);
        }
    }

    private final EnvelopeReader fastPath = new EnvelopeReader(mapper.getFactory(), TYPES);
    private final Upcasts upcasts = new Upcasts();

    /** @throws InvalidRecordException for anything that is not a complete, valid event of a known type */
    public LedgerEvent decode(byte[] value) {
        return decode(value == null ? null : ByteBuffer.wrap(value));
    }

    /** {@link #decode(byte[])} of the buffer's remaining bytes, read in place when it has an array. */
    public LedgerEvent decode(ByteBuffer value) {
        if (value == null) {
            throw new InvalidRecordException(InvalidRecordException.Reason.MALFORMED, "the record has no value");
        }
        var bytes = value.hasArray() ? value : ByteBuffer.wrap(Utils.toArray(value));
        var event = fastPath.read(bytes);
        return event != null ? event : decodeThoroughly(bytes);
    }

    /**
     * Decodes with data binding: the reference for every record, and the one way that says why a
     * record is broken. {@code value} has an array.
     */
    LedgerEvent decodeThoroughly(ByteBuffer value) {
        Envelope envelope;
        try {
            envelope = mapper.readValue(value.array(), value.arrayOffset() + value.position(), value.remaining(), Envelope.class);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(InvalidRecordException.Reason.MALFORMED, e.getMessage());
        }
        if (envelope == null) {
            throw new InvalidRecordException(InvalidRecordException.Reason.MALFORMED, "the record is JSON null");
        }
        var type = envelope.type() == null ? null : TYPES.get(envelope.type());
        if (type == null) {
            throw new InvalidRecordException(InvalidRecordException.Reason.UNKNOWN_TYPE, "unknown event type " + envelope.type());
        }
        int version = envelope.v() == null ? 1 : envelope.v();
        if (version < 1) {
            throw new InvalidRecordException(InvalidRecordException.Reason.MALFORMED, "event version " + version + " is not a version");
        }
        if (version > type.version()) {
            // Written by a later release: skipped like a type this one does not know, and for the same
            // reason, so that the dead-letter topic can be fed again to a release that knows it.
            throw new InvalidRecordException(InvalidRecordException.Reason.UNKNOWN_TYPE, "unknown event type " + envelope.type()
                    + " version " + version + " (this release reads up to version " + type.version() + ")");
        }
        try {
            if (envelope.data() == null || !envelope.data().isObject()) {
                throw new IllegalArgumentException("the event has no data object");
            }
            var data = upcasts.upcast(type, version, (ObjectNode) envelope.data());
            return new LedgerEvent(envelope.eventId(), envelope.accountId(), envelope.commandId(), envelope.timestamp(),
                    envelope.idempotencyKey(), envelope.requestHash(), mapper.treeToValue(data, type.payload()));
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, e.getMessage());
        }
    }

    @RegisterForReflection
    record Envelope(String eventId, String type, Integer v, String accountId, String commandId, Instant timestamp,
                    String idempotencyKey, String requestHash, JsonNode data) {
    }

    /**
     * {@link Envelope} as written: the payload serialised as it is, where a tree of it first doubled
     * the cost of encoding, on every mutation's and every follow-up's path.
     */
    @RegisterForReflection
    record Outgoing(String eventId, String type, Integer v, String accountId, String commandId, Instant timestamp,
                    String idempotencyKey, String requestHash, Payload data) {
    }
}
