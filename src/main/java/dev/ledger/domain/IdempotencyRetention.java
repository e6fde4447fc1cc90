package dev.ledger.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * How long idempotency records (a command's result, an applied follow-up's id) are kept, in event
 * time: a record is dropped once the newest event timestamp seen on its partition is more than
 * {@link #duration()} past its own. Event time, not the clock, so that every instance and both
 * modes drop the same records at the same offset. Times are compared in whole microseconds, the
 * precision PostgreSQL keeps, so that both modes round alike.
 */
public record IdempotencyRetention(Duration duration) {

    /** The contract keeps retries safe for at least 24 hours. */
    public static final Duration MINIMUM = Duration.ofHours(24);

    public IdempotencyRetention {
        if (duration.compareTo(MINIMUM) < 0) {
            throw new IllegalArgumentException("LEDGER_IDEMPOTENCY_RETENTION is " + duration + ", but must be at least "
                    + MINIMUM + ": a retry with the same Idempotency-Key must be recognised for at least 24 hours");
        }
    }

    /** An event time in microseconds since the epoch, saturated at the ends of {@code long}. */
    public static long micros(Instant time) {
        try {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
        } catch (ArithmeticException e) {
            return time.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** The oldest event time still kept on a partition whose newest event time is {@code newestMicros}. */
    public long horizon(long newestMicros) {
        long retention = duration.toMillis() * 1_000L;
        return newestMicros < Long.MIN_VALUE + retention ? Long.MIN_VALUE : newestMicros - retention;
    }

    /** Whether a record from {@code eventMicros} is still kept on a partition whose newest event time is {@code newestMicros}. */
    public boolean kept(long eventMicros, long newestMicros) {
        return eventMicros >= horizon(newestMicros);
    }
}
