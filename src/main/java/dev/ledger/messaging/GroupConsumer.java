package dev.ledger.messaging;

import dev.ledger.command.Completions;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Decision;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.persistence.BatchState;
import dev.ledger.persistence.PgBatchStore;
import dev.ledger.persistence.PgBatchStore.BatchChanges;
import dev.ledger.persistence.PgBatchStore.PendingFollowUp;
import dev.ledger.persistence.PgNotifications;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Group mode's consumer: instances share one consumer group, and each applies the batches of its
 * partitions into PostgreSQL, one transaction per batch that also records where each partition
 * resumes. On every assignment it seeks to those recorded offsets, so a crash or rebalance at any
 * point neither loses nor repeats an event; offsets committed to Kafka only feed lag monitoring.
 */
@ApplicationScoped
public class GroupConsumer implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(GroupConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DATABASE = Duration.ofSeconds(30);

    private final EventTopic topic;
    private final LedgerConfig config;
    private final EventCodec codec;
    private final PgBatchStore store;
    private final Completions completions;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final ConsumerMetrics metrics;

    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private long lastRetryNanos = System.nanoTime();

    GroupConsumer(EventTopic topic, LedgerConfig config, EventCodec codec, PgBatchStore store, Completions completions,
                  EventPublisher publisher, DeadLetters deadLetters, ConsumerMetrics metrics) {
        this.topic = topic;
        this.config = config;
        this.codec = codec;
        this.store = store;
        this.completions = completions;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    public boolean running() {
        return running;
    }

    /** The partitions this consumer applies now. */
    Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    public void start() {
        start(config.group().consumerGroup());
    }

    /** Joins {@code consumerGroup}: the configured one, or in tests a second group over the same database. */
    void start(String consumerGroup) {
        var settings = new HashMap<>(topic.clientConfig(ConsumerConfig.configNames()));
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A batch costs a few round trips to PostgreSQL whatever its size: large batches amortise them
        // (BENCHMARKS.md: 500 gave about 11,000 events/s, 5,000 about 26,000). Under light load a poll
        // returns what has arrived, so small batches keep latency low.
        settings.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        // A dead instance's partitions wait for its session to expire: keep that short (Kafka's default is 45 s).
        settings.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        settings.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        owned.clear();
        consumer.subscribe(List.of(config.topic()), this);
        running = true;
        thread = new Thread(this::run, "ledger-group");
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                var records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    applyBatch(records);
                }
                republishOverdueFollowUps();
            } catch (WakeupException e) {
                // stop() woke us up
            } catch (PgBatchStore.StaleBatchException e) {
                LOG.warnf("Dropped a batch: %s; resuming from the recorded offsets", e.getMessage());
                resumeFromRecordedOffsets();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Applying a batch failed; resuming from the recorded offsets in 1 s");
                pause();
                resumeFromRecordedOffsets();
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private void applyBatch(ConsumerRecords<String, byte[]> records) {
        var events = new ArrayList<ConsumerRecord<String, byte[]>>(records.count());
        var decoded = new ArrayList<LedgerEvent>(records.count());
        var deadLettered = new ArrayList<Uni<Void>>();
        for (var record : records) {
            try {
                decoded.add(codec.decode(record.value()));
                events.add(record);
            } catch (UndecodableRecordException e) {
                deadLettered.add(skip(record, e.reason(), e.getMessage()));
            }
        }
        var state = store.load(accountIds(decoded), transferIds(decoded), commandIds(decoded), followUpIds(decoded))
                .await().atMost(DATABASE);
        var decisions = new ArrayList<Decision>(decoded.size());
        var decidedFollowUps = new ArrayList<PendingFollowUp>();
        var seenFollowUps = new HashSet<String>();
        var announcements = new ArrayList<String>();
        for (int i = 0; i < decoded.size(); i++) {
            var record = events.get(i);
            var event = decoded.get(i);
            Decision decision;
            try {
                decision = ConsumedEvents.decide(state, event);
            } catch (UndecodableRecordException e) {
                deadLettered.add(skip(record, e.reason(), e.getMessage()));
                continue;
            }
            decision.writeTo(state);
            metrics.applied(decision.outcome());
            decisions.add(decision);
            if (decision.isFollowUp()) {
                seenFollowUps.add(event.eventId());
            }
            for (var followUp : decision.followUps()) {
                decidedFollowUps.add(new PendingFollowUp(followUp.eventId(), record.partition(),
                        new String(codec.encode(followUp), StandardCharsets.UTF_8)));
            }
            announcements.addAll(PgNotifications.of(decision, storedCommand(state, decision)));
        }
        if (!deadLettered.isEmpty()) {
            Uni.join().all(deadLettered).andFailFast().await().atMost(DATABASE);
        }
        var nextOffsets = offsets(records, true);
        store.write(config.topic(), state, new BatchChanges(decidedFollowUps, seenFollowUps, offsets(records, false),
                        nextOffsets, announcements))
                .await().atMost(DATABASE);

        for (var decision : decisions) {
            completions.applied(decision, storedCommand(state, decision));
            decision.followUps().forEach(this::publish);
        }
        commitForMonitoring(nextOffsets);
    }

    private static CommandResult storedCommand(BatchState state, Decision decision) {
        return decision.isFollowUp() ? null : state.command(decision.event().commandId()).orElse(null);
    }

    private Uni<Void> skip(ConsumerRecord<String, byte[]> record, UndecodableRecordException.Reason reason, String why) {
        metrics.skipped(reason);
        LOG.warnf("Skipped record %s-%d@%d (%s), copied to %s: %s", record.topic(), record.partition(), record.offset(),
                reason.tag(), config.deadLetterTopic(), why);
        return deadLetters.copy(record, reason, why);
    }

    private void publish(LedgerEvent followUp) {
        publisher.publish(followUp).subscribe().with(
                published -> { },
                failure -> LOG.warnf("Publishing follow-up %s failed, the outbox keeps it: %s", followUp.eventId(), failure.getMessage()));
    }

    /** Follow-ups still in the outbox a while after publication: their publisher may have died. */
    private void republishOverdueFollowUps() {
        var retry = config.group().followUpRetry();
        if (System.nanoTime() - lastRetryNanos < retry.toNanos() || owned.isEmpty()) {
            return;
        }
        lastRetryNanos = System.nanoTime();
        republish(store.claimPending(Set.copyOf(owned), retry).await().atMost(DATABASE));
    }

    private void republish(List<String> events) {
        for (var event : events) {
            publish(codec.decode(event.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Resumes each partition where the last applying transaction left it, and publishes its leftover follow-ups. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        var numbers = partitions.stream().map(TopicPartition::partition).toList();
        seekToRecordedOffsets(partitions);
        owned.addAll(numbers);
        republish(store.claimPending(numbers, Duration.ZERO).await().atMost(DATABASE));
        LOG.infof("This instance now applies partitions %s of %s", owned, config.topic());
    }

    private void seekToRecordedOffsets(Collection<TopicPartition> partitions) {
        var numbers = partitions.stream().map(TopicPartition::partition).toList();
        var recorded = store.nextOffsets(config.topic(), numbers).await().atMost(DATABASE);
        for (var partition : partitions) {
            var next = recorded.get(partition.partition());
            if (next == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, next);
            }
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> owned.remove(partition.partition()));
    }

    /** Nothing of a failed batch was written: read every partition again from where the database says. */
    private void resumeFromRecordedOffsets() {
        try {
            seekToRecordedOffsets(consumer.assignment());
        } catch (RuntimeException e) {
            LOG.errorf("Cannot read the recorded offsets yet: %s", e.getMessage());
            pause();
        }
    }

    /** Per partition, the batch's first offset, or the offset after its last. */
    private static Map<Integer, Long> offsets(ConsumerRecords<String, byte[]> records, boolean next) {
        var offsets = new HashMap<Integer, Long>();
        for (var partition : records.partitions()) {
            var inPartition = records.records(partition);
            offsets.put(partition.partition(), next
                    ? inPartition.get(inPartition.size() - 1).offset() + 1
                    : inPartition.get(0).offset());
        }
        return offsets;
    }

    private void commitForMonitoring(Map<Integer, Long> nextOffsets) {
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        nextOffsets.forEach((partition, offset) -> offsets.put(new TopicPartition(config.topic(), partition), new OffsetAndMetadata(offset)));
        consumer.commitAsync(offsets, null);
        for (var partition : consumer.assignment()) {
            consumer.currentLag(partition).ifPresent(lag -> metrics.lag(partition.partition(), lag));
        }
    }

    private static Set<String> accountIds(List<LedgerEvent> events) {
        var ids = new HashSet<String>();
        events.forEach(event -> ids.add(event.accountId()));
        return ids;
    }

    private static Set<String> transferIds(List<LedgerEvent> events) {
        var ids = new HashSet<String>();
        for (var event : events) {
            if (event.payload() instanceof Payload.TransferRequested transfer) {
                ids.add(transfer.transferId());
            } else if (event.payload() instanceof Payload.FollowUp followUp) {
                ids.add(followUp.transferId());
            }
        }
        return ids;
    }

    private static Set<String> commandIds(List<LedgerEvent> events) {
        var ids = new HashSet<String>();
        events.forEach(event -> ids.add(event.commandId()));
        return ids;
    }

    private static Set<String> followUpIds(List<LedgerEvent> events) {
        var ids = new HashSet<String>();
        events.stream().filter(event -> event.payload() instanceof Payload.FollowUp).forEach(event -> ids.add(event.eventId()));
        return ids;
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
