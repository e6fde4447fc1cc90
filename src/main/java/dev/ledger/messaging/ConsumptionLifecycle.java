package dev.ledger.messaging;

import dev.ledger.config.LedgerConfig;
import dev.ledger.persistence.PgNotifications;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Starts the consumer of the configured mode once the topic is in place, and stops it last. */
@ApplicationScoped
public class ConsumptionLifecycle {

    private static final Logger LOG = Logger.getLogger(ConsumptionLifecycle.class);
    private static final Duration DEV_MODE_CATCH_UP = Duration.ofSeconds(30);

    private final LedgerConfig config;
    private final EventTopic topic;
    private final ReplayConsumer replay;
    private final GroupConsumer group;
    private final PgNotifications notifications;

    ConsumptionLifecycle(LedgerConfig config, EventTopic topic, ReplayConsumer replay, GroupConsumer group,
                         PgNotifications notifications) {
        this.config = config;
        this.topic = topic;
        this.replay = replay;
        this.group = group;
        this.notifications = notifications;
    }

    void start(@Observes StartupEvent startup) throws InterruptedException {
        LOG.infof("Starting in %s mode on topic %s", config.mode().name().toLowerCase(), config.topic());
        if (config.mode() == LedgerConfig.Mode.GROUP) {
            topic.ensure(false);
            notifications.start();
            group.start();
            return;
        }
        replay.start(topic.ensure(true));
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            // After a live reload the first request would see an empty state: in production the
            // readiness check keeps traffic away until caught up, in dev mode nothing does.
            replay.awaitCaughtUp(DEV_MODE_CATCH_UP);
        }
    }

    /** Runs after HTTP has drained in-flight requests (quarkus.shutdown.timeout), so their events still get applied. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        if (config.mode() == LedgerConfig.Mode.GROUP) {
            group.stop();
            notifications.stop();
        } else {
            replay.stop();
        }
    }
}
