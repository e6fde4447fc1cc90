package dev.ledger.mode;

import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.StalledPartitions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready as the mode says (replay: caught up; group: consuming). Stalled partitions are listed in the
 * data but do not take the instance out of service: in replay mode every instance meets the same
 * record, and none must leave service for one partition.
 */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements HealthCheck {

    private final LedgerMode mode;
    private final StalledPartitions stalled;

    LedgerReadiness(LedgerMode mode, StalledPartitions stalled) {
        this.mode = mode;
        this.stalled = stalled;
    }

    @Override
    public HealthCheckResponse call() {
        var readiness = mode.readiness();
        var response = HealthCheckResponse.named("ledger-" + (mode.needsFullHistory() ? "replay" : "group"))
                .status(readiness.ready());
        readiness.data().forEach((key, value) -> {
            if (value instanceof Boolean flag) {
                response.withData(key, flag);
            } else {
                response.withData(key, String.valueOf(value));
            }
        });
        stalled.offsets().forEach((partition, offset) -> response.withData("stalled-partition-" + partition, offset));
        return response.build();
    }
}
