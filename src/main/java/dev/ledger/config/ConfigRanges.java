package dev.ledger.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranges {@link LedgerConfig}'s numbers must fall in, checked as the service starts, before
 * anything else observes the start; a value out of range stops it with a message naming the setting.
 *
 * <p>Not Bean Validation constraints on the mapping: Quarkus meets one on any {@code @ConfigMapping}
 * by building Hibernate Validator's metadata for every extension's mapping as well (178 classes
 * here) on the main thread: a sixth to a fifth of a start's CPU (BENCHMARKS.md, stop 30).
 */
@Singleton
public class ConfigRanges {

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start, LedgerConfig config) {
        check(config);
    }

    static void check(LedgerConfig config) {
        var problems = new ArrayList<String>();
        atLeast(problems, "LEDGER_PRODUCER_BATCHING_RATE", config.producerBatchingRate(), 0);
        atLeast(problems, "LEDGER_SNAPSHOT_FETCH_BYTES", config.snapshotFetchBytes(), 1_048_576);
        atLeast(problems, "LEDGER_GROUP_CONSUMERS", config.group().consumers(), 1);
        atLeast(problems, "LEDGER_GROUP_CAUGHT_UP_CONSUMERS", config.group().caughtUpConsumers(), 1);
        atLeast(problems, "LEDGER_GROUP_BACKLOG", config.group().backlog(), 0);
        double share = config.snapshotCpuShare();
        if (!(share > 0 && share <= 1)) {
            problems.add("LEDGER_SNAPSHOT_CPU_SHARE is " + share + ", but must be more than 0 and at most 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    private static void atLeast(List<String> problems, String setting, long value, long least) {
        if (value < least) {
            problems.add(setting + " is " + value + ", but must be at least " + least);
        }
    }
}
