package dev.ledger.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Partitions this instance holds back because a record that passed the rules could not be
 * applied: never skipped, so the partition waits at that record while the others go on. Shown as
 * CONTRACT.md says: {@code ledger_partition_stalled{partition}} at 1, one ERROR line per stall,
 * the readiness data, and a 503 at once for a mutation of an account on that partition.
 */
@Singleton
public class StalledPartitions {

    private static final Logger LOG = Logger.getLogger(StalledPartitions.class);

    private final MeterRegistry registry;
    private final ConcurrentMap<Integer, Long> stalledAt = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, AtomicInteger> gauges = new ConcurrentHashMap<>();
    /** Held back by other instances that share this one's state (group mode), as they last reported. */
    private volatile Map<Integer, Long> stalledElsewhere = Map.of();
    private volatile int partitionCount;

    StalledPartitions(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The topic's partition count, so that an account's partition can be told as the producer picks it. */
    public void partitionCount(int count) {
        partitionCount = count;
        for (int partition = 0; partition < count; partition++) {
            gauge(partition);
        }
    }

    /** Holds back {@code partition} at {@code offset}; logs only when this is news, not on every retry. */
    public void stall(int partition, long offset, Throwable cause) {
        var previous = stalledAt.put(partition, offset);
        gauge(partition).set(1);
        if (previous == null || previous != offset) {
            LOG.errorf(cause, "Partition %d is stalled at offset %d: the record passed the rules but cannot be applied here. "
                    + "The other partitions go on; this one retries with backoff and never skips the record.", partition, offset);
        }
    }

    /** The partition applies again (the record went through, or the partition went to another instance). */
    public void release(int partition) {
        if (stalledAt.remove(partition) != null) {
            LOG.infof("Partition %d is no longer stalled here", partition);
        }
        if (stalledElsewhere.containsKey(partition)) {
            var others = new HashMap<>(stalledElsewhere);
            others.remove(partition);
            stalledElsewhere = Map.copyOf(others);
        }
        gauge(partition).set(0);
    }

    /**
     * What the other instances sharing this one's state hold back: a mutation for those partitions
     * would wait there as much as here. The metric stays this instance's own.
     */
    public void stalledElsewhere(Map<Integer, Long> offsets) {
        stalledElsewhere = Map.copyOf(offsets);
    }

    public boolean stalled(int partition) {
        return stalledAt.containsKey(partition) || stalledElsewhere.containsKey(partition);
    }

    /** Stalled partitions, here or elsewhere, and the offset each waits at, in partition order. */
    public Map<Integer, Long> offsets() {
        var offsets = new TreeMap<>(stalledElsewhere);
        offsets.putAll(stalledAt);
        return offsets;
    }

    /** Whether a mutation of this account would wait behind a stalled record. */
    public boolean holdsBack(String accountId) {
        int count = partitionCount;
        return count > 0 && (!stalledAt.isEmpty() || !stalledElsewhere.isEmpty()) && stalled(partitionOf(accountId, count));
    }

    /** This account's partition in the topic, whose partition count was given at start. */
    public int partitionOf(String accountId) {
        return partitionOf(accountId, partitionCount);
    }

    /** The partition the producer's default partitioner gives a record keyed by this account, which is how events reach theirs. */
    public static int partitionOf(String accountId, int partitions) {
        return Utils.toPositive(Utils.murmur2(accountId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private AtomicInteger gauge(int partition) {
        return gauges.computeIfAbsent(partition, p -> {
            var value = new AtomicInteger();
            Gauge.builder("ledger.partition.stalled", value, AtomicInteger::get)
                    .description("1 while this instance holds back the partition at a record it cannot apply")
                    .tag("partition", Integer.toString(p))
                    .register(registry);
            return value;
        });
    }
}
