package dev.ledger.replay;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * The record written last for a snapshot, as JSON: a snapshot without one is partial and ignored.
 *
 * @param snapshotId names the snapshot's chunks: their keys are {@code <snapshotId>/<index>}
 * @param positions per partition of the event topic, the offset of the first event not in the snapshot
 * @param bytes the chunks' total size (the body, compressed)
 * @param sha256 lower-case hex SHA-256 over the chunks' values, in order
 * @param firstOffset the offset of the first chunk on the snapshot topic
 * @param takenAt when the cut was taken, ISO-8601
 */
@RegisterForReflection
public record SnapshotManifest(int formatVersion, String snapshotId, Map<String, Long> positions, long accounts,
                               long transfers, long commands, long appliedFollowUps, long pendingFollowUps, String digest,
                               long bytes, int chunks, String sha256, long firstOffset, String takenAt) {

    /** What the snapshot holds, as counted when it was written. */
    SnapshotFormat.Counts counts() {
        return new SnapshotFormat.Counts(accounts, transfers, commands, appliedFollowUps, pendingFollowUps, digest);
    }
}
