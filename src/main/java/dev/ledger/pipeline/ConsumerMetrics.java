package dev.ledger.pipeline;

import dev.ledger.domain.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * What consumers report, in either mode: applied events, skipped records, lag, replay progress.
 * A singleton, so that consumers, which report every event, call it without a client proxy.
 */
@Singleton
public class ConsumerMetrics {

    private static final Logger LOG = Logger.getLogger(ConsumerMetrics.class);

    private final MeterRegistry registry;
    private final Counter applied;
    private final Counter rejected;
    private final Counter duplicates;
    private final Map<InvalidRecordException.Reason, Counter> skipped = new EnumMap<>(InvalidRecordException.Reason.class);
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();

    ConsumerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.applied = outcome("applied");
        this.rejected = outcome("rejected");
        this.duplicates = outcome("duplicate");
        for (var reason : InvalidRecordException.Reason.values()) {
            skipped.put(reason, Counter.builder("ledger.records.skipped")
                    .description("Records on the topic that are not applicable events: skipped, never applied")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
    }

    private Counter outcome(String outcome) {
        return Counter.builder("ledger.events.applied")
                .description("Events consumed from the topic and run through the ledger's rules, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    public void applied(Outcome outcome) {
        (outcome instanceof Outcome.Applied ? applied : outcome instanceof Outcome.Rejected ? rejected : duplicates).increment();
    }

    /** Counts and logs a record skipped as invalid, the same way in both modes. */
    public void skipped(ConsumerRecord<?, ?> record, InvalidRecordException why) {
        skipped.get(why.reason()).increment();
        LOG.warnf("Skipped record %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(), why.reason().tag(),
                why.getMessage());
    }

    public void lag(int partition, long records) {
        lag.computeIfAbsent(partition, p -> {
            var value = new AtomicLong();
            Gauge.builder("ledger.consumer.lag", value, AtomicLong::get)
                    .description("Records on the topic not yet applied by this instance")
                    .tag("partition", Integer.toString(p))
                    .register(registry);
            return value;
        }).set(records);
    }

    /**
     * The Kafka client's own metrics (fetch rates, lag, ...) of a consumer made by hand, as
     * Micrometer's binder exposes them for the clients SmallRye creates. Close it with the consumer.
     */
    public KafkaClientMetrics clientMetrics(Consumer<?, ?> consumer) {
        var metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(registry);
        return metrics;
    }

    public void replayProgress(Supplier<Number> fraction) {
        Gauge.builder("ledger.replay.progress", fraction)
                .description("Share of the topic, as it stood at start, that replay has applied (1 = caught up)")
                .register(registry);
    }

    /**
     * {@code ledger_snapshot_age_seconds}, replay mode: seconds since the newest snapshot the
     * instance wrote or restored was taken; NaN while it has none.
     */
    public void snapshotAge(Supplier<Number> seconds) {
        Gauge.builder("ledger.snapshot.age.seconds", seconds)
                .description("Seconds since the newest snapshot this instance wrote or restored was taken (NaN: none)")
                .register(registry);
    }
}
