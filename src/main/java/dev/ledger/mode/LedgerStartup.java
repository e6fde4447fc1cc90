package dev.ledger.mode;

import dev.ledger.pipeline.LedgerMode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * {@code /q/health/started}, for a Kubernetes startup probe: UP from the first time the mode was
 * ready (replay: caught up with the topic as it stood at start; group: consuming), and UP for good
 * after that. A long replay is then the startup probe's to wait for, and the readiness and liveness
 * probes keep their short periods from the start.
 */
@Startup
@ApplicationScoped
public class LedgerStartup implements HealthCheck {

    private final LedgerMode mode;
    private volatile boolean started;

    LedgerStartup(LedgerMode mode) {
        this.mode = mode;
    }

    @Override
    public HealthCheckResponse call() {
        if (!started && mode.readiness().ready()) {
            started = true;
        }
        return HealthCheckResponse.named("ledger-" + (mode.needsFullHistory() ? "replay" : "group"))
                .status(started).build();
    }
}
