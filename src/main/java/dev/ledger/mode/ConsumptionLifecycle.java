package dev.ledger.mode;

import dev.ledger.config.LedgerConfig;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.StalledPartitions;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Starts the chosen mode once the topic is in place, and stops it last. */
@ApplicationScoped
public class ConsumptionLifecycle {

    private static final Logger LOG = Logger.getLogger(ConsumptionLifecycle.class);

    private final LedgerConfig config;
    private final EventTopic topic;
    private final LedgerMode mode;
    private final StalledPartitions stalled;

    ConsumptionLifecycle(LedgerConfig config, EventTopic topic, LedgerMode mode, StalledPartitions stalled) {
        this.config = config;
        this.topic = topic;
        this.mode = mode;
        this.stalled = stalled;
    }

    void start(@Observes StartupEvent startup) {
        LOG.infof("Starting in %s mode on topic %s", config.mode().name().toLowerCase(), config.topic());
        int partitions = topic.ensure(mode.needsFullHistory(), mode.ownTopics());
        stalled.partitionCount(partitions);
        mode.start(partitions);
    }

    /** Runs after HTTP has drained in-flight requests (quarkus.shutdown.timeout), so their events still get applied. */
    void stop(@Observes ShutdownEvent shutdown) {
        mode.stop();
    }
}
