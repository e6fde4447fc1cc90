package dev.ledger.health;

import dev.ledger.config.LedgerConfig;
import dev.ledger.messaging.GroupConsumer;
import dev.ledger.messaging.ReplayConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replay instance serves reads from memory, so it is ready only once memory holds the topic as
 * it stood at start. A group instance reads PostgreSQL, which is as current as the group: it is
 * ready while its consumer runs (the datasource and Kafka checks cover the connections).
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    private final LedgerConfig config;
    private final ReplayConsumer replay;
    private final GroupConsumer group;

    ConsumerReadiness(LedgerConfig config, ReplayConsumer replay, GroupConsumer group) {
        this.config = config;
        this.replay = replay;
        this.group = group;
    }

    @Override
    public HealthCheckResponse call() {
        if (config.mode() == LedgerConfig.Mode.GROUP) {
            return HealthCheckResponse.named("ledger-group").status(group.running()).build();
        }
        return HealthCheckResponse.named("ledger-replay")
                .status(replay.running() && replay.caughtUp())
                .withData("caughtUp", replay.caughtUp())
                .build();
    }
}
