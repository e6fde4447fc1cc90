package dev.ledger.pipeline;

import dev.ledger.domain.Decision;
import dev.ledger.domain.EventRules;
import dev.ledger.domain.Ledger;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.LedgerView;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * From a record to a decision, the same for both modes: decode, check the record rules, run the
 * ledger's rules. Whatever one mode skips the other skips, because both ask this class; what a mode
 * does with a decision (write it, or stall its partition when it cannot) is the mode's own.
 * A singleton, so that consumers call it per record without a client proxy.
 */
@Singleton
public class RecordPipeline {

    private final EventCodec codec;

    RecordPipeline(EventCodec codec) {
        this.codec = codec;
    }

    /**
     * The event a record carries, if it may be applied. The key and value are read where the
     * consumer fetched them ({@code ByteBufferDeserializer}), not from a copy of each.
     *
     * @throws InvalidRecordException when it cannot be decoded or breaks the record rules: skip it
     */
    public LedgerEvent read(ByteBuffer key, ByteBuffer value) {
        var event = codec.decode(value);
        var violation = EventRules.violation(keyText(key, event.accountId()), event);
        if (violation != null) {
            throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, violation);
        }
        return event;
    }

    /**
     * The key as text. It is the account id in nearly every record: compared byte by byte, which
     * spares a {@code String} per record; any other key is decoded.
     */
    private static String keyText(ByteBuffer key, String accountId) {
        if (key == null) {
            return null;
        }
        return asciiEquals(key, accountId) ? accountId : StandardCharsets.UTF_8.decode(key.duplicate()).toString();
    }

    private static boolean asciiEquals(ByteBuffer bytes, String text) {
        int length = text.length();
        if (bytes.remaining() != length) {
            return false;
        }
        for (int i = 0, at = bytes.position(); i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || bytes.get(at + i) != c) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the ledger's rules over an event {@link #read} accepted.
     *
     * @throws InvalidRecordException for an event that breaks an invariant the rules check (a
     *         forged one): skipped like any invalid record, identically in both modes
     */
    public static Decision decide(LedgerView state, LedgerEvent event) {
        try {
            return Ledger.apply(state, event);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, e.getMessage());
        }
    }
}
