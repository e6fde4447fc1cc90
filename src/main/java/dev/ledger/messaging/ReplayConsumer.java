package dev.ledger.messaging;

import dev.ledger.command.Completions;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Decision;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.memory.InMemoryLedger;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Replay mode's consumer: reads every partition from the beginning, with no consumer group and no
 * committed offsets, into {@link InMemoryLedger}. Ready once it has reached the end offsets the
 * topic had at start. One thread applies everything, so the rules see each partition in order.
 */
@ApplicationScoped
public class ReplayConsumer {

    private static final Logger LOG = Logger.getLogger(ReplayConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final EventTopic topic;
    private final LedgerConfig config;
    private final EventCodec codec;
    private final InMemoryLedger state;
    private final Completions completions;
    private final EventPublisher publisher;
    private final ConsumerMetrics metrics;

    private volatile boolean running;
    private volatile boolean caughtUp;
    private final CountDownLatch caughtUpSignal = new CountDownLatch(1);
    private volatile Map<TopicPartition, Long> endAtStart = Map.of();
    private volatile Map<TopicPartition, Long> positions = Map.of();
    private Thread thread;
    private KafkaConsumer<String, byte[]> consumer;
    private PartitionOwnership ownership;
    private PendingFollowUps pending;

    ReplayConsumer(EventTopic topic, LedgerConfig config, EventCodec codec, InMemoryLedger state,
                   Completions completions, EventPublisher publisher, ConsumerMetrics metrics) {
        this.topic = topic;
        this.config = config;
        this.codec = codec;
        this.state = state;
        this.completions = completions;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** Ready: every partition applied up to the end offset it had when this instance started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Blocks until caught up or {@code timeout} has passed. */
    void awaitCaughtUp(Duration timeout) throws InterruptedException {
        caughtUpSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean running() {
        return running;
    }

    public void start(int partitionCount) {
        var clientConfig = topic.clientConfig(ConsumerConfig.configNames());
        var config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        var partitions = IntStream.range(0, partitionCount).mapToObj(p -> new TopicPartition(this.config.topic(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = Map.copyOf(consumer.endOffsets(partitions));
        LOG.infof("Replaying %s up to offsets %s", this.config.topic(), new TreeMap<>(partitionsOf(endAtStart)));
        metrics.replayProgress(this::progress);
        pending = new PendingFollowUps(this.config.replay().followUpRetry());
        ownership = new PartitionOwnership(clientConfig, this.config.replay().ownerGroup(), this.config.topic());
        ownership.start();
        running = true;
        thread = new Thread(this::run, "ledger-replay");
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                pollOnce();
            } catch (WakeupException e) {
                // stop() woke us up
            } catch (RuntimeException e) {
                LOG.errorf(e, "Replay consumer failed; retrying in 1 s");
                sleep();
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private void pollOnce() {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        var decisions = new ArrayList<Decision>(records.count());
        state.writeBatch(() -> {
            for (var record : records) {
                apply(record, decisions);
            }
            var now = new HashMap<TopicPartition, Long>();
            for (var partition : consumer.assignment()) {
                long position = consumer.position(partition);
                now.put(partition, position);
                state.advance(partition.partition(), position);
                consumer.currentLag(partition).ifPresent(lag -> metrics.lag(partition.partition(), lag));
            }
            positions = now;
        });
        for (var decision : decisions) {
            completions.applied(decision, decision.isFollowUp() ? null : state.command(decision.event().commandId()).orElse(null));
        }
        if (!caughtUp && reachedStartEnd()) {
            caughtUp = true;
            caughtUpSignal.countDown();
            LOG.infof("Replay caught up: %s", new TreeMap<>(partitionsOf(positions)));
        }
        if (caughtUp) {
            publishDueFollowUps();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record, List<Decision> decisions) {
        LedgerEvent event;
        Decision decision;
        try {
            event = codec.decode(record.value());
            decision = ConsumedEvents.decide(state, event);
        } catch (UndecodableRecordException e) {
            skip(record, e.reason(), e.getMessage());
            return;
        }
        decision.writeTo(state);
        metrics.applied(decision.outcome());
        if (decision.isFollowUp()) {
            pending.seen(event.eventId());
        }
        for (var followUp : decision.followUps()) {
            if (!state.followUpApplied(followUp.eventId())) {
                pending.decided(record.partition(), followUp);
            }
        }
        decisions.add(decision);
    }

    private void skip(ConsumerRecord<String, byte[]> record, UndecodableRecordException.Reason reason, String why) {
        metrics.skipped(reason);
        LOG.warnf("Skipped record %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(), reason.tag(), why);
    }

    private void publishDueFollowUps() {
        for (var followUp : pending.due(ownership::owns, ownership.takeNewlyOwned(), System.nanoTime())) {
            publisher.publish(followUp).subscribe().with(
                    published -> { },
                    failure -> LOG.warnf("Publishing follow-up %s failed, will retry: %s", followUp.eventId(), failure.getMessage()));
        }
    }

    private boolean reachedStartEnd() {
        var now = positions;
        return endAtStart.entrySet().stream().allMatch(end -> now.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    /** Share of the events present at start that have been applied. */
    double progress() {
        long total = endAtStart.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0 || caughtUp) {
            return 1.0;
        }
        var now = positions;
        long done = endAtStart.entrySet().stream().mapToLong(end -> Math.min(now.getOrDefault(end.getKey(), 0L), end.getValue())).sum();
        return (double) done / total;
    }

    public void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        ownership.close();
    }

    private static Map<Integer, Long> partitionsOf(Map<TopicPartition, Long> offsets) {
        var result = new HashMap<Integer, Long>();
        offsets.forEach((tp, offset) -> result.put(tp.partition(), offset));
        return result;
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
