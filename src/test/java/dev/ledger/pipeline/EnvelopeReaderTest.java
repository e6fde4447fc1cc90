package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The codec's fast path either declines a record or decodes it exactly as data binding does. */
class EnvelopeReaderTest {

    private final EventCodec codec = new EventCodec();

    static Stream<LedgerEvent> plainEvents() {
        var at = Instant.parse("2025-03-04T05:06:07.123Z");
        return Stream.of(
                new LedgerEvent("e-1", "alice", "c-1", at, null, null, new Payload.AccountOpenRequested("Alice", "EUR")),
                new LedgerEvent("e-2", "alice", "c-2", at, "key", "ab12", new Payload.DepositRequested(500, "salary")),
                new LedgerEvent("e-3", "alice", "c-3", at, null, null, new Payload.WithdrawalRequested(7, null)),
                new LedgerEvent("e-4", "alice", "c-4", at, null, null, new Payload.TransferRequested("t-1", "bob", 250)),
                new LedgerEvent("e-4r", "alice", "c-4r", at, null, null, new Payload.TransferRequested("t-2", "bob", 250, "rent")),
                new LedgerEvent("e-5r", "bob", "c-4r", at, null, null, new Payload.TransferCreditRequested("t-2", "alice", 250, "EUR", "rent")),
                new LedgerEvent("e-5", "bob", "c-4", at, null, null, new Payload.TransferCreditRequested("t-1", "alice", 250, "EUR")),
                new LedgerEvent("e-6", "alice", "c-4", at, null, null,
                        new Payload.TransferRefundRequested("t-1", "bob", 250, "EUR", Rejection.CURRENCY_MISMATCH)));
    }

    @ParameterizedTest
    @MethodSource("plainEvents")
    void theFastPathTakesWhatTheCodecWrites(LedgerEvent event) {
        var encoded = codec.encode(event);

        assertThat(codec.decodeThoroughly(ByteBuffer.wrap(encoded))).isEqualTo(event);
        assertThat(reader().read(ByteBuffer.wrap(encoded))).isEqualTo(event);
    }

    /** Records in shapes other producers might write: whatever the fast path makes of one, data binding makes too. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"DepositRequested\",\"data\":{\"amount\":5},\"eventId\":\"e\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\"}",
            "{\"eventId\":\"e\",\"data\":{\"amount\":5},\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\"}",
            "{\"eventId\":\"e\",\"eventId\":\"f\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5,\"amount\":6}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":1735689600,\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00+01:00\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2016-12-31T23:59:60Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-02-29T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5,\"extra\":{\"x\":[1,2]}},\"more\":[{}]}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}} {}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":\"5\"}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5.0}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":null}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5,\"reference\":7}}",
            "{\"eventId\":7,\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"AccountOpenRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"owner\":\"o\",\"currency\":\"EUR\",\"amount\":\"ignored\"}}",
            "{\"eventId\":\"e\",\"type\":\"TransferRefundRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"transferId\":\"t\",\"to\":\"b\",\"amount\":5,\"currency\":\"EUR\",\"reason\":\"0\"}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"idempotencyKey\":null,\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5},\"v\":1}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"v\":\"1\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"v\":null,\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"v\":2,\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"v\":0,\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"v\":1.0,\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"DepositRequested\",\"v\":99999999999,\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"amount\":5}}",
            "{\"eventId\":\"e\",\"type\":\"TransferRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"transferId\":\"t\",\"to\":\"b\",\"amount\":5,\"reference\":\"v1 had none\"}}",
            "{\"eventId\":\"e\",\"type\":\"TransferRequested\",\"v\":2,\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"transferId\":\"t\",\"to\":\"b\",\"amount\":5,\"reference\":\"r\"}}",
            "{\"eventId\":\"e\",\"type\":\"TransferCreditRequested\",\"accountId\":\"a\",\"commandId\":\"c\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"data\":{\"transferId\":\"t\",\"from\":\"b\",\"amount\":5,\"currency\":\"EUR\",\"reference\":\"v1 had none\"}}"})
    void whateverTheFastPathTakesDataBindingReadsTheSame(String json) {
        var value = json.getBytes(StandardCharsets.UTF_8);
        var fast = reader().read(ByteBuffer.wrap(value));
        var thorough = decodedOrNull(value);

        assertThat(fast == null || fast.equals(thorough)).as("fast path read %s, data binding %s", fast, thorough).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-04T05:06:07Z", "2025-03-04T05:06:07.1Z", "2025-03-04T05:06:07.123456789Z",
            "0001-01-01T00:00:00Z", "2024-02-29T23:59:59.5Z", "9999-12-31T23:59:59.999999999Z"})
    void canonicalTimestampsReadAsInstantParseReadsThem(String text) {
        assertThat(EnvelopeReader.canonicalInstant(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-03-04T05:06:07", "2025-03-04t05:06:07Z", "2025-03-04T05:06:07.Z", "2025-03-04T05:06:07.1234567891Z",
            "2025-02-29T00:00:00Z", "2025-03-04T24:00:00Z", "2025-03-04T05:06:60Z", "+2025-03-04T05:06:07Z", "2025-03-04T05:06:07+00:00",
            "2025-x3-04T05:06:07Z"})
    void anyOtherTimestampTextIsLeftToDataBinding(String text) {
        assertThat(EnvelopeReader.canonicalInstant(text)).isNull();
    }

    private EnvelopeReader reader() {
        return new EnvelopeReader(new ObjectMapper().getFactory(), EventCodec.TYPES);
    }

    private LedgerEvent decodedOrNull(byte[] value) {
        try {
            return codec.decodeThoroughly(ByteBuffer.wrap(value));
        } catch (InvalidRecordException e) {
            return null;
        }
    }
}
