package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pipeline reads each record where the consumer fetched it: a slice of a larger buffer. */
class RecordPipelineTest {

    private static final LedgerEvent DEPOSIT = new LedgerEvent("e-1", "alice", "c-1", Instant.parse("2025-03-04T05:06:07Z"),
            null, null, new Payload.DepositRequested(500, "salary"));

    private final EventCodec codec = new EventCodec();
    private final RecordPipeline pipeline = new RecordPipeline(codec);

    @Test
    void aRecordInTheMiddleOfAFetchedBufferReadsAsItsEvent() {
        assertThat(pipeline.read(slice("alice"), slice(codec.encode(DEPOSIT)))).isEqualTo(DEPOSIT);
    }

    @Test
    void aRecordWhoseKeyIsAnotherAccountIsInvalid() {
        assertThatThrownBy(() -> pipeline.read(slice("bob"), slice(codec.encode(DEPOSIT))))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.INVALID));
        assertThatThrownBy(() -> pipeline.read(slice("alicf"), slice(codec.encode(DEPOSIT))))
                .isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> pipeline.read(null, slice(codec.encode(DEPOSIT))))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void aKeyThatIsTheAccountIdInAnotherEncodingIsInvalid() {
        var utf16 = ByteBuffer.wrap("alice".getBytes(StandardCharsets.UTF_16BE));

        assertThatThrownBy(() -> pipeline.read(utf16, slice(codec.encode(DEPOSIT)))).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void aRecordWithoutAValueIsMalformed() {
        assertThatThrownBy(() -> pipeline.read(slice("alice"), null))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.MALFORMED));
    }

    @Test
    void aRecordInAReadOnlyBufferReadsAsItsEvent() {
        var value = ByteBuffer.wrap(codec.encode(DEPOSIT)).asReadOnlyBuffer();

        assertThat(pipeline.read(slice("alice"), value)).isEqualTo(DEPOSIT);
    }

    private static ByteBuffer slice(String text) {
        return slice(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes with others before and after them, as a fetched record's key or value is: at an
     * offset into the array, and at a position into the buffer.
     */
    private static ByteBuffer slice(byte[] bytes) {
        var fetched = ByteBuffer.allocate(bytes.length + 20);
        fetched.put(new byte[7]).put(bytes).put(new byte[13]);
        return fetched.position(3).slice().position(4).limit(4 + bytes.length);
    }
}
