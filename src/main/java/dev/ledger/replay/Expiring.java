package dev.ledger.replay;

/** An idempotency record, dropped by event time (see {@link dev.ledger.domain.IdempotencyRetention}). */
interface Expiring {

    /** The event time of the event that made the record, in microseconds. */
    long eventMicros();
}
