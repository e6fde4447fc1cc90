package dev.ledger.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A number out of its range stops the service at start, with a message naming each setting that is. */
class ConfigRangesTest {

    @Test
    void theDefaultsAreInRange() {
        assertThatCode(() -> ConfigRanges.check(config(Map.of()))).doesNotThrowAnyException();
    }

    @Test
    void theBoundsThemselvesAreInRange() {
        assertThatCode(() -> ConfigRanges.check(config(Map.of("ledger.producer-batching-rate", "0",
                "ledger.snapshot-fetch-bytes", "1048576", "ledger.group.consumers", "1",
                "ledger.group.caught-up-consumers", "1", "ledger.group.backlog", "0",
                "ledger.snapshot-cpu-share", "1")))).doesNotThrowAnyException();
    }

    @Test
    void everyValueOutOfRangeIsNamedInOneMessage() {
        assertThatThrownBy(() -> ConfigRanges.check(config(Map.of("ledger.producer-batching-rate", "-1",
                "ledger.snapshot-fetch-bytes", "1048575", "ledger.group.consumers", "0",
                "ledger.group.caught-up-consumers", "0", "ledger.group.backlog", "-1",
                "ledger.snapshot-cpu-share", "0"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LEDGER_PRODUCER_BATCHING_RATE is -1, but must be at least 0")
                .hasMessageContaining("LEDGER_SNAPSHOT_FETCH_BYTES is 1048575, but must be at least 1048576")
                .hasMessageContaining("LEDGER_GROUP_CONSUMERS is 0, but must be at least 1")
                .hasMessageContaining("LEDGER_GROUP_CAUGHT_UP_CONSUMERS is 0, but must be at least 1")
                .hasMessageContaining("LEDGER_GROUP_BACKLOG is -1, but must be at least 0")
                .hasMessageContaining("LEDGER_SNAPSHOT_CPU_SHARE is 0.0, but must be more than 0 and at most 1");
    }

    @Test
    void aCpuShareAboveOneIsOutOfRange() {
        assertThatThrownBy(() -> ConfigRanges.check(config(Map.of("ledger.snapshot-cpu-share", "1.5"))))
                .hasMessage("LEDGER_SNAPSHOT_CPU_SHARE is 1.5, but must be more than 0 and at most 1");
    }

    /** The mapping as Quarkus reads it ("5s" durations), with the two topics application.properties names. */
    private static LedgerConfig config(Map<String, String> properties) {
        var all = new HashMap<>(properties);
        all.put("ledger.topic", "ledger-events");
        all.put("ledger.dead-letter-topic", "ledger-events-dlq");
        return new SmallRyeConfigBuilder().withMapping(LedgerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500)).build()
                .getConfigMapping(LedgerConfig.class);
    }
}
