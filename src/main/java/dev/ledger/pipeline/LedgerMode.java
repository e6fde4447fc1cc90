package dev.ledger.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One way of consuming the topic, chosen once at startup from {@code LEDGER_MODE}: replay mode
 * and group mode each offer one bean of this type, in their own packages.
 */
public interface LedgerMode {

    /** Starts consuming; the topic exists and has {@code partitions} partitions. */
    void start(int partitions);

    /** Stops consuming, after the HTTP layer has drained its requests. */
    void stop();

    /** Whether this instance may take traffic, and what the readiness check shows with it. */
    Readiness readiness();

    /** Where the API reads the state this mode keeps. */
    LedgerQueries queries();

    /** Whether the topic must keep every event forever for this mode (replay rebuilds from all of them). */
    boolean needsFullHistory();

    /** The topics this mode writes besides the event topic: created with it at start, in one request, when missing. */
    List<NewTopic> ownTopics();

    /** The newest snapshot this instance wrote or restored; only replay mode keeps snapshots. */
    default Optional<SnapshotInfo> snapshot() {
        return Optional.empty();
    }

    record Readiness(boolean ready, Map<String, Object> data) {
    }
}
