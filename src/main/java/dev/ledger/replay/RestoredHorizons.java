package dev.ledger.replay;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per partition, the event time before which records restored from a snapshot have expired: each
 * moved by its partition's writer alone, before it decides an event, exactly where it drops the
 * live records; read by anyone.
 */
final class RestoredHorizons {

    private final AtomicLongArray horizons;

    /** @param partitions one more than the highest partition the restored records name */
    RestoredHorizons(int partitions) {
        horizons = new AtomicLongArray(partitions);
        for (int p = 0; p < partitions; p++) {
            horizons.set(p, Long.MIN_VALUE);
        }
    }

    /** {@code partition}'s writer's: its records from before {@code horizon} have expired. */
    void expire(int partition, long horizon) {
        if (partition < horizons.length() && horizons.getPlain(partition) < horizon) {
            horizons.setRelease(partition, horizon);
        }
    }

    /** Whether a record of {@code partition} from {@code eventMicros} is still held. */
    boolean kept(int partition, long eventMicros) {
        return eventMicros >= horizons.get(partition);
    }
}
