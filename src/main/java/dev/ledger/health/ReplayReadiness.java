package dev.ledger.health;

import dev.ledger.messaging.ReplayConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A replay instance serves reads from memory, so it is ready only once memory holds the topic as it stood at start. */
@Readiness
@ApplicationScoped
public class ReplayReadiness implements HealthCheck {

    private final ReplayConsumer replay;

    ReplayReadiness(ReplayConsumer replay) {
        this.replay = replay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ledger-replay")
                .status(replay.running() && replay.caughtUp())
                .withData("caughtUp", replay.caughtUp())
                .build();
    }
}
