package dev.ledger.pipeline;

import dev.ledger.domain.Decision;
import dev.ledger.domain.EventRules;
import dev.ledger.domain.Ledger;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.LedgerView;
import jakarta.inject.Singleton;
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
     * The event a record carries, if it may be applied.
     *
     * @throws InvalidRecordException when it cannot be decoded or breaks the record rules: skip it
     */
    public LedgerEvent read(byte[] key, byte[] value) {
        var event = codec.decode(value);
        var violation = EventRules.violation(key == null ? null : new String(key, StandardCharsets.UTF_8), event);
        if (violation != null) {
            throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, violation);
        }
        return event;
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
