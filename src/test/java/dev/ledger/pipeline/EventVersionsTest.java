package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.domain.EventType;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.InvalidRecordException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope's {@code v}: written at each type's current version, older ones upcast on read, newer ones unknown. */
class EventVersionsTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00.5Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventCodec codec = new EventCodec();
    private final EnvelopeReader fastPath = new EnvelopeReader(new ObjectMapper().getFactory(), EventCodec.TYPES);

    private static final LedgerEvent TRANSFER = new LedgerEvent("e-1", "alice", "c-1", AT, null, null,
            new Payload.TransferRequested("t-1", "bob", 250, "rent"));
    private static final LedgerEvent CREDIT = new LedgerEvent("t-1/alice/credit", "bob", "c-1", AT, null, null,
            new Payload.TransferCreditRequested("t-1", "alice", 250, "EUR", "rent"));

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeIsWrittenAtItsCurrentVersion(EventType type) throws IOException {
        var event = EventCodecTest.everyPayloadType().filter(candidate -> candidate.type() == type).findFirst().orElseThrow();

        assertThat(JSON.readTree(codec.encode(event)).get("v").asInt()).isEqualTo(type.version());
    }

    @Test
    void transferEventsAreAtVersionTwo() {
        assertThat(EventType.TRANSFER_REQUESTED.version()).isEqualTo(2);
        assertThat(EventType.TRANSFER_CREDIT_REQUESTED.version()).isEqualTo(2);
    }

    @Test
    void aCurrentVersionRecordIsTakenByTheFastPath() {
        assertThat(fastPath.read(ByteBuffer.wrap(codec.encode(TRANSFER)))).isEqualTo(TRANSFER);
        assertThat(fastPath.read(ByteBuffer.wrap(codec.encode(CREDIT)))).isEqualTo(CREDIT);
    }

    /** Written before event versions: no {@code v}, and no reference, which a version-1 reader never read even if present. */
    @Test
    void aVersionOneTransferReadsAsVersionTwoWithoutAReference() {
        var v1 = versionOne(TRANSFER, envelope -> ((ObjectNode) envelope.get("data")).put("reference", "unknown to version 1"));

        assertThat(fastPath.read(ByteBuffer.wrap(v1))).as("left to the thorough way, which upcasts").isNull();
        assertThat(codec.decode(v1)).isEqualTo(new LedgerEvent("e-1", "alice", "c-1", AT, null, null,
                new Payload.TransferRequested("t-1", "bob", 250, null)));
    }

    @Test
    void aVersionOneCreditReadsAsVersionTwoWithoutAReference() {
        var v1 = versionOne(CREDIT, envelope -> ((ObjectNode) envelope.get("data")).remove("reference"));

        assertThat(codec.decode(v1).payload()).isEqualTo(new Payload.TransferCreditRequested("t-1", "alice", 250, "EUR", null));
    }

    @Test
    void anExplicitVersionOneReadsAsAnAbsentOne() {
        var v1 = versionOne(TRANSFER, envelope -> {
            envelope.put("v", 1);
            ((ObjectNode) envelope.get("data")).remove("reference");
        });

        assertThat(codec.decode(v1).payload()).isEqualTo(new Payload.TransferRequested("t-1", "bob", 250));
    }

    @Test
    void aVersionOneTypeReadsWithOrWithoutItsVersion() {
        var deposit = new LedgerEvent("e-2", "alice", "c-2", AT, null, null, new Payload.DepositRequested(5, "salary"));

        assertThat(fastPath.read(ByteBuffer.wrap(versionOne(deposit, envelope -> { })))).isEqualTo(deposit);
        assertThat(fastPath.read(ByteBuffer.wrap(codec.encode(deposit)))).isEqualTo(deposit);
    }

    @Test
    void aVersionNewerThanThisReleaseKnowsIsAnUnknownType() {
        var next = mutated(TRANSFER, envelope -> envelope.put("v", EventType.TRANSFER_REQUESTED.version() + 1));

        assertThatThrownBy(() -> codec.decode(next)).isInstanceOfSatisfying(InvalidRecordException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "\"2\"", "1.5", "true", "{}", "99999999999"})
    void aVersionThatIsNoPositiveIntegerIsMalformed(String version) {
        var record = mutated(TRANSFER, envelope -> {
            try {
                envelope.set("v", JSON.readTree(version));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThatThrownBy(() -> codec.decode(record)).isInstanceOfSatisfying(InvalidRecordException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    /** The event as the codec writes it, without {@code v} (so at version 1), then {@code change}. */
    private byte[] versionOne(LedgerEvent event, Consumer<ObjectNode> change) {
        return mutated(event, envelope -> {
            envelope.remove("v");
            change.accept(envelope);
        });
    }

    private byte[] mutated(LedgerEvent event, Consumer<ObjectNode> change) {
        try {
            var envelope = (ObjectNode) JSON.readTree(codec.encode(event));
            change.accept(envelope);
            return JSON.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
