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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
import org.jboss.logging.Logger;

/**
 * Replay mode's consumer: reads every partition from the beginning, with no consumer group and no
 * committed offsets, into {@link InMemoryLedger}. Ready once it has reached the end offsets the
 * topic had at start.
 *
 * <p>Two threads, so that fetching and applying overlap: one polls and decodes, and hands each
 * poll's events, in order, with the positions the consumer had after that poll, to the other,
 * which alone applies everything, so the rules see each partition in order. The hand-over holds a
 * few polls at most: the fetching thread waits when the applying one falls behind.
 */
@ApplicationScoped
public class ReplayConsumer {

    private static final Logger LOG = Logger.getLogger(ReplayConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Polls decoded and waiting to be applied: enough to keep both threads busy, little memory. */
    private static final int HAND_OVER_POLLS = 4;
    /** Larger polls than Kafka's default 500 records: fewer hand-overs and position updates per event. */
    private static final int MAX_POLL_RECORDS = 5000;

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
    private final BlockingQueue<Fetched> fetched = new ArrayBlockingQueue<>(HAND_OVER_POLLS);
    private Thread fetching;
    private Thread applying;
    private KafkaConsumer<byte[], byte[]> consumer;
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
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // The key is the account id, which the event carries too: left undecoded.
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
        fetching = new Thread(this::fetch, "ledger-replay-fetch");
        applying = new Thread(this::apply, "ledger-replay");
        fetching.start();
        applying.start();
    }

    private void fetch() {
        while (running) {
            try {
                handOver(fetchOnce());
            } catch (WakeupException e) {
                // stop() woke us up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Replay consumer failed; retrying in 1 s");
                sleep();
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    /** Waits while the applying thread is behind, but never past stop(). */
    private void handOver(Fetched batch) throws InterruptedException {
        while (running && !fetched.offer(batch, POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            // the applying thread is a few polls behind
        }
    }

    /** One poll, decoded; the positions are those after it, so they advance only once its events are applied. */
    private Fetched fetchOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        var events = new ArrayList<Decoded>(records.count());
        for (var record : records) {
            events.add(decode(record));
        }
        var after = new HashMap<TopicPartition, Long>();
        var lags = new HashMap<Integer, Long>();
        for (var partition : consumer.assignment()) {
            after.put(partition, consumer.position(partition));
            consumer.currentLag(partition).ifPresent(lag -> lags.put(partition.partition(), lag));
        }
        return new Fetched(events, after, lags);
    }

    private Decoded decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new Decoded(record, codec.decode(record.value()), null);
        } catch (UndecodableRecordException e) {
            return new Decoded(record, null, e);
        }
    }

    private void apply() {
        while (running) {
            try {
                var next = fetched.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    applyOnce(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Applying replayed events failed");
            }
        }
    }

    private void applyOnce(Fetched batch) {
        var decisions = new ArrayList<Decision>(batch.events().size());
        state.writeBatch(() -> {
            for (var decoded : batch.events()) {
                apply(decoded, decisions);
            }
            batch.positions().forEach((partition, position) -> state.advance(partition.partition(), position));
            positions = batch.positions();
        });
        batch.lags().forEach(metrics::lag);
        for (var decision : decisions) {
            var commandId = decision.event().commandId();
            // Reading a stored result back costs more than applying it: only for a request that waits here.
            boolean awaited = !decision.isFollowUp() && completions.awaited(commandId);
            completions.applied(decision, awaited ? state.command(commandId).orElse(null) : null);
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

    private void apply(Decoded decoded, List<Decision> decisions) {
        var record = decoded.record();
        var event = decoded.event();
        if (decoded.failure() != null) {
            skip(record, decoded.failure());
            return;
        }
        Decision decision;
        try {
            decision = ConsumedEvents.decide(state, event);
        } catch (UndecodableRecordException e) {
            skip(record, e);
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

    private void skip(ConsumerRecord<byte[], byte[]> record, UndecodableRecordException why) {
        metrics.skipped(why.reason());
        LOG.warnf("Skipped record %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(), why.reason().tag(),
                why.getMessage());
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
        fetching.join(10_000);
        applying.join(10_000);
        ownership.close();
    }

    /**
     * One poll's events, in the order polled, and each partition's position after that poll and the
     * records then left to its end: the lag once this batch is applied.
     */
    private record Fetched(List<Decoded> events, Map<TopicPartition, Long> positions, Map<Integer, Long> lags) {
    }

    /** A polled record and its event, or why it is not one. */
    private record Decoded(ConsumerRecord<byte[], byte[]> record, LedgerEvent event, UndecodableRecordException failure) {
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
