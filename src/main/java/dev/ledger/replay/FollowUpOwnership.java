package dev.ledger.replay;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Replay instances read every partition, but each follow-up must be published by one of them.
 * They join one consumer group only to have Kafka share out the partitions: the instance a
 * partition is assigned to owns it. Its partitions stay paused: this consumer reads no records.
 *
 * <p>Group-mode instances on the same topic publish the same follow-ups from their outbox, which
 * survives any one of them. While any of them consumes the topic, replay instances leave
 * follow-ups to them, so that each is written about once, not once per mode.
 */
final class FollowUpOwnership implements ConsumerRebalanceListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FollowUpOwnership.class);
    /**
     * From a group-mode instance joining to this instance's next look, both publish what they decide
     * (a refund decided on a credit both apply, for one): the topic gains a copy of each. Looking
     * often keeps that window short; one look is one small request to the broker.
     */
    private static final Duration GROUP_CHECK = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final String topic;
    private final String groupModeGroup;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Integer> newlyOwned = new ConcurrentLinkedQueue<>();
    private volatile Set<Integer> owned = Set.of();
    /** Assumed until the first look, so that no follow-up goes out twice while it is unknown. */
    private volatile boolean groupModeConsumes = true;
    private volatile boolean running = true;

    /**
     * @param ownerGroup the group replay instances share partitions in
     * @param groupModeGroup the consumer group of group-mode instances, whose members publish follow-ups themselves
     */
    FollowUpOwnership(Map<String, Object> clientConfig, String ownerGroup, String groupModeGroup, String topic) {
        var config = new HashMap<>(clientConfig);
        config.keySet().retainAll(ConsumerConfig.configNames());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, ownerGroup);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // A dead owner's follow-ups wait for its session to expire: keep that short (Kafka's default is 45 s).
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var adminConfig = new HashMap<>(clientConfig);
        adminConfig.keySet().retainAll(AdminClientConfig.configNames());
        this.admin = Admin.create(adminConfig);
        this.topic = topic;
        this.groupModeGroup = groupModeGroup;
        this.thread = new Thread(this::run, "ledger-follow-up-ownership");
    }

    void start() {
        thread.start();
    }

    /** Whether this instance publishes the follow-ups decided on {@code partition}. */
    boolean publishes(int partition) {
        return !groupModeConsumes && owned.contains(partition);
    }

    /** Whether Kafka assigned {@code partition} to this instance in the owner group. */
    boolean owns(int partition) {
        return owned.contains(partition);
    }

    /** Partitions this instance began to publish for since the last call: their pending follow-ups are due now. */
    Set<Integer> takeNewlyOwned() {
        var result = new HashSet<Integer>();
        for (Integer partition; (partition = newlyOwned.poll()) != null; ) {
            result.add(partition);
        }
        return result;
    }

    private void run() {
        consumer.subscribe(List.of(topic), this);
        long nextGroupCheck = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - nextGroupCheck >= 0) {
                    checkGroupMode();
                    nextGroupCheck = System.nanoTime() + GROUP_CHECK.toNanos();
                }
                consumer.poll(POLL);
            } catch (WakeupException e) {
                // close() woke us up
            } catch (RuntimeException e) {
                LOG.warnf("Follow-up ownership poll failed, retrying: %s", e.getMessage());
                pause();
            }
        }
        consumer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }

    /**
     * Whether a group-mode instance has partitions of this topic assigned. While the broker cannot
     * say (it is away), the last answer stands: flipping would publish every pending follow-up again.
     */
    private void checkGroupMode() {
        boolean consumes;
        try {
            var group = admin.describeConsumerGroups(List.of(groupModeGroup)).all().get(5, TimeUnit.SECONDS).get(groupModeGroup);
            consumes = group != null && group.members().stream()
                    .anyMatch(member -> member.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic)));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                return;
            }
            consumes = false;
        } catch (TimeoutException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (consumes != groupModeConsumes) {
            LOG.infof(consumes ? "Group-mode instances consume %s: they publish its follow-ups"
                    : "No group-mode instance consumes %s: this instance publishes the follow-ups of its partitions", topic);
            if (!consumes) {
                newlyOwned.addAll(owned);
            }
            groupModeConsumes = consumes;
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        consumer.pause(partitions);
        var now = new HashSet<>(owned);
        partitions.forEach(tp -> now.add(tp.partition()));
        owned = Set.copyOf(now);
        partitions.forEach(tp -> newlyOwned.add(tp.partition()));
        LOG.infof("This instance now owns partitions %s of %s", owned, topic);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        var now = new HashSet<>(owned);
        partitions.forEach(tp -> now.remove(tp.partition()));
        owned = Set.copyOf(now);
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
