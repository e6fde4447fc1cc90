package dev.ledger.messaging;

import dev.ledger.domain.Decision;
import dev.ledger.domain.Ledger;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.LedgerView;

/** What both consumers do with a decoded event, in one place so that both modes skip the same records. */
final class ConsumedEvents {

    private ConsumedEvents() {
    }

    /**
     * Runs the ledger's rules over {@code event}.
     *
     * @throws UndecodableRecordException with {@link UndecodableRecordException.Reason#INVALID} for a
     *         decodable event that breaks an invariant (a forged one): skipped like any bad record
     */
    static Decision decide(LedgerView state, LedgerEvent event) {
        try {
            return Ledger.apply(state, event);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UndecodableRecordException(UndecodableRecordException.Reason.INVALID, e.getMessage());
        }
    }
}
