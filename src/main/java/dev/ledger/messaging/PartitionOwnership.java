package dev.ledger.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Replay instances read every partition, but each follow-up must be published by one of them.
 * They join one consumer group only to have Kafka share out the partitions: the instance a
 * partition is assigned to owns it. Its partitions stay paused: this consumer reads no records.
 */
final class PartitionOwnership implements ConsumerRebalanceListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PartitionOwnership.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Integer> newlyOwned = new ConcurrentLinkedQueue<>();
    private volatile Set<Integer> owned = Set.of();
    private volatile boolean running = true;

    PartitionOwnership(Map<String, Object> clientConfig, String group, String topic) {
        var config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // A dead owner's follow-ups wait for its session to expire: keep that short (Kafka's default is 45 s).
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.thread = new Thread(this::run, "ledger-partition-ownership");
    }

    void start() {
        thread.start();
    }

    boolean owns(int partition) {
        return owned.contains(partition);
    }

    /** Partitions assigned since the last call: their pending follow-ups need publishing now. */
    Set<Integer> takeNewlyOwned() {
        var result = new HashSet<Integer>();
        for (Integer partition; (partition = newlyOwned.poll()) != null; ) {
            result.add(partition);
        }
        return result;
    }

    private void run() {
        consumer.subscribe(List.of(topic), this);
        while (running) {
            try {
                consumer.poll(Duration.ofSeconds(1));
            } catch (WakeupException e) {
                // close() woke us up
            } catch (RuntimeException e) {
                LOG.warnf("Partition ownership poll failed, retrying: %s", e.getMessage());
                pause();
            }
        }
        consumer.close(Duration.ofSeconds(5));
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
