package dev.ledger.mode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.LedgerQueries;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** {@code /q/health/started}: DOWN until the mode is first ready (replay: caught up), UP from then on. */
class LedgerStartupTest {

    /** A mode whose readiness the test sets, as a replay instance's moves from replaying to caught up. */
    static final class SteppedMode implements LedgerMode {
        volatile boolean ready;

        @Override
        public void start(int partitions) {
        }

        @Override
        public void stop() {
        }

        @Override
        public Readiness readiness() {
            return new Readiness(ready, Map.of("caughtUp", ready));
        }

        @Override
        public LedgerQueries queries() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean needsFullHistory() {
            return true;
        }

        @Override
        public List<NewTopic> ownTopics() {
            return List.of();
        }
    }

    @Test
    void startedOnlyOnceCaughtUpAndForGoodAfterThat() {
        var mode = new SteppedMode();
        var startup = new LedgerStartup(mode);

        assertThat(startup.call().getStatus()).as("still replaying").isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(startup.call().getName()).isEqualTo("ledger-replay");

        mode.ready = true;
        assertThat(startup.call().getStatus()).as("caught up").isEqualTo(HealthCheckResponse.Status.UP);

        // Readiness may drop later (the broker away); the startup probe has done its job by then.
        mode.ready = false;
        assertThat(startup.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
