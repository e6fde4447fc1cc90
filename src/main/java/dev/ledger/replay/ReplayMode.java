package dev.ledger.replay;

import dev.ledger.config.LedgerConfig;
import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.LedgerQueries;
import dev.ledger.pipeline.SnapshotInfo;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/** Replay mode: every instance replays the whole topic into its own memory and serves reads from it. */
@ApplicationScoped
@Typed(ReplayMode.class)
public class ReplayMode implements LedgerMode {

    private static final Duration DEV_MODE_CATCH_UP = Duration.ofSeconds(30);

    private final ReplayConsumer consumer;
    private final ReplayState state;
    private final NewTopic snapshotTopic;

    ReplayMode(ReplayConsumer consumer, ReplayState state, LedgerConfig config) {
        this.consumer = consumer;
        this.state = state;
        this.snapshotTopic = ReplaySnapshots.newTopic(config.snapshotTopic());
    }

    @Override
    public void start(int partitions) {
        consumer.start(partitions);
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            // After a live reload the first request would see an empty state: in production the
            // readiness check keeps traffic away until caught up, in dev mode nothing does.
            try {
                consumer.awaitCaughtUp(DEV_MODE_CATCH_UP);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void stop() {
        try {
            consumer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Memory serves reads, so ready only once it holds the topic as it stood at start. */
    @Override
    public Readiness readiness() {
        return new Readiness(consumer.running() && consumer.caughtUp(), Map.of("caughtUp", consumer.caughtUp()));
    }

    @Override
    public LedgerQueries queries() {
        return state;
    }

    @Override
    public Optional<SnapshotInfo> snapshot() {
        return consumer.snapshot();
    }

    @Override
    public List<NewTopic> ownTopics() {
        return List.of(snapshotTopic);
    }

    @Override
    public boolean needsFullHistory() {
        return true;
    }
}
