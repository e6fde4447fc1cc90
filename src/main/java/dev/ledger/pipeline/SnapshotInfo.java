package dev.ledger.pipeline;

import java.time.Instant;
import java.util.Map;

/**
 * The newest snapshot of its state an instance wrote or restored (replay mode).
 *
 * @param positions per partition, the offset of the first event the snapshot does not hold
 * @param bytes the snapshot's size on the topic, compressed
 * @param source {@code written} or {@code restored}
 */
public record SnapshotInfo(Map<Integer, Long> positions, long accounts, String digest, long bytes, Instant takenAt,
                           String source) {
}
