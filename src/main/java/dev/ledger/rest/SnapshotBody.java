package dev.ledger.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * The newest snapshot an instance wrote or restored.
 *
 * @param positions per partition, the offset of the first event the snapshot does not hold
 * @param bytes its size on the snapshot topic, compressed
 * @param takenAt when its cut was taken, ISO-8601
 * @param source {@code written} or {@code restored}
 */
@RegisterForReflection
public record SnapshotBody(Map<String, Long> positions, long accounts, String digest, long bytes, String takenAt, String source) {
}
