package dev.ledger.group;

import dev.ledger.command.Outcomes;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Decision;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.group.PgBatchStore.BatchChanges;
import dev.ledger.group.PgBatchStore.DueFollowUp;
import dev.ledger.group.PgBatchStore.PendingFollowUp;
import dev.ledger.pipeline.ConsumerMetrics;
import dev.ledger.pipeline.DeadLetters;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.EventPublisher;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.InvalidRecordException;
import dev.ledger.pipeline.RecordPipeline;
import dev.ledger.pipeline.RecordTracing;
import dev.ledger.pipeline.StalledPartitions;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.Dependent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.jboss.logging.Logger;

/**
 * Group mode's consumer: instances share one consumer group, and each of their consumers (see
 * {@code LEDGER_GROUP_CONSUMERS}) applies the batches of its partitions into PostgreSQL, one
 * transaction per batch that also records where each partition resumes. A partition is read only once it has been positioned at those recorded offsets, so a
 * crash or rebalance at any point neither loses nor repeats an event; offsets committed to Kafka
 * only feed lag monitoring, once a second.
 *
 * <p>Failures: the database or the broker being away fails the whole batch, which is read again
 * from the recorded offsets after a pause. A record the database refuses (a data or constraint
 * error) fails only its partition: the batch is applied again partition by partition, halving,
 * until the one record is found; the records before it are applied, and the partition is held
 * at it and tried again with backoff, while the other partitions go on.
 */
@Dependent
public class GroupConsumer implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(GroupConsumer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DATABASE = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_STALL_RETRY = Duration.ofMinutes(1);
    /**
     * How often a waiting {@link AppliedMark} is checked against the group's applied offsets: each check
     * is a database round trip, and a caught-up consumer loops once per poll.
     */
    private static final Duration MARK_CHECK = Duration.ofMillis(250);
    /**
     * How often applied offsets are committed to Kafka, where they only feed lag monitoring: once per
     * batch was a request to the broker per batch, hundreds a second under light load.
     */
    private static final Duration MONITORING_COMMIT = Duration.ofSeconds(1);
    /** SQLSTATE classes that a record's data causes, not the database's state: data, integrity, limits, raised by a trigger. */
    private static final Set<String> RECORD_ERRORS = Set.of("22", "23", "54", "P0");

    private final EventTopic topic;
    private final LedgerConfig config;
    private final RecordPipeline pipeline;
    private final EventCodec codec;
    private final PgBatchStore store;
    private final Outcomes outcomes;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final ConsumerMetrics metrics;
    private final StalledPartitions stalled;
    private final RecordTracing tracing;

    /** Partitions assigned and positioned: applied here. */
    private final Set<Integer> applying = ConcurrentHashMap.newKeySet();
    /** Assigned, paused until seeked to their recorded offsets (the database may be away when they arrive). */
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    /** Held at a record the database refuses; paused until their next try. */
    private final Map<TopicPartition, Hold> held = new HashMap<>();
    /** Records left to read on each partition after the last poll. */
    private final Map<Integer, Long> lag = new HashMap<>();
    /** What {@link #backlog()} answers. */
    private volatile long backlog = ConsumerScaling.UNSETTLED;
    /** Whether the last claim of the outbox was full: more is due. */
    private volatile boolean outboxDue;
    /** Polls that found nothing left to read on any partition assigned here: what a test waits for before asserting that nothing happened. */
    private final AtomicLong pollsAtTheEnd = new AtomicLong();
    /** Per partition, the time of the last record applied: how far behind the topic's present it is. */
    private final Map<Integer, Long> lastApplied = new HashMap<>();
    /** The follow-ups of every consumer of this instance in flight, so that none is handed over twice. */
    private final FollowUpsInFlight inFlight;
    /** How many of them this consumer handed to the publisher: its share of the publisher's window. */
    private final AtomicInteger followUpsInFlight = new AtomicInteger();
    /** Whether the outbox of this consumer's partitions may hold never-published entries that no {@link #mark} covers. */
    private boolean unpublishedDecided;
    /** Taken once such entries wait: when the group has applied every partition that far, they may go. Null while none is taken. */
    private AppliedMark mark;
    private volatile boolean running;
    private KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private KafkaClientMetrics clientMetrics;
    /** Reads every partition's end offset for {@link AppliedMark}: this consumer's own would warn about those not assigned to it. */
    private Admin admin;
    /** The connection every batch's transaction runs on, kept between batches; null until needed or after it failed. */
    private SqlConnection connection;
    private Thread thread;
    private long nextPositioning = System.nanoTime();
    private long nextRepublish = System.nanoTime();
    private long nextMarkCheck = System.nanoTime();
    /** Applied offsets not yet committed to Kafka, and when they next may be. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long nextMonitoringCommit = System.nanoTime();

    GroupConsumer(EventTopic topic, LedgerConfig config, RecordPipeline pipeline, EventCodec codec, PgBatchStore store,
                  Outcomes outcomes, EventPublisher publisher, FollowUpsInFlight inFlight, DeadLetters deadLetters,
                  ConsumerMetrics metrics, StalledPartitions stalled, RecordTracing tracing) {
        this.topic = topic;
        this.config = config;
        this.pipeline = pipeline;
        this.codec = codec;
        this.store = store;
        this.outcomes = outcomes;
        this.publisher = publisher;
        this.inFlight = inFlight;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.stalled = stalled;
        this.tracing = tracing;
    }

    boolean running() {
        return running;
    }

    /** The partitions this consumer applies now. */
    Set<Integer> applyingPartitions() {
        return Set.copyOf(applying);
    }

    /** How many polls have found this consumer at the end of every partition assigned to it, all positioned. */
    long pollsAtTheEnd() {
        return pollsAtTheEnd.get();
    }

    void start() {
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
        // A member hears of a rebalance in a heartbeat's answer, and a joining member waits for every
        // other to rejoin: with 2 s, an instance's second consumer got its partitions 2 s after the
        // first had taken them all (BENCHMARKS.md, stop 33).
        settings.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        consumer = new KafkaConsumer<>(settings, new ByteBufferDeserializer(), new ByteBufferDeserializer());
        clientMetrics = metrics.clientMetrics(consumer);
        admin = Admin.create(topic.clientConfig(AdminClientConfig.configNames()));
        applying.clear();
        consumer.subscribe(List.of(config.topic()), this);
        running = true;
        thread = new Thread(this::run, "ledger-group-" + THREADS.incrementAndGet());
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                positionAssignedPartitions();
                retryHeldPartitions();
                var records = consumer.poll(POLL);
                measureLag();
                if (!records.isEmpty()) {
                    applyPoll(records);
                } else if (atTheEnd()) {
                    pollsAtTheEnd.incrementAndGet();
                }
                republishOverdueFollowUps();
                commitForMonitoring();
            } catch (WakeupException e) {
                // stop() woke us up
            } catch (PgBatchStore.StaleBatchException e) {
                LOG.warnf("Dropped a batch: %s; resuming from the recorded offsets", e.getMessage());
                resumeFromRecordedOffsets();
            } catch (RuntimeException e) {
                LOG.errorf("Applying a batch failed; resuming from the recorded offsets in %d ms: %s", RETRY.toMillis(), e);
                nextPositioning = System.nanoTime() + RETRY.toNanos();
                resumeFromRecordedOffsets();
            }
        }
        commitUncommitted();
        clientMetrics.close();
        admin.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
        closeConnection();
    }

    // ---------------------------------------------------------------------------------------------
    // Partitions: assigned, positioned, held

    /** Nothing is read in the rebalance callback itself: the partitions wait, paused, to be positioned. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        consumer.pause(partitions);
        unpositioned.addAll(partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // The next owner's monitoring commits start from where this one applied; the others' go early, harmlessly.
        commitUncommitted();
        // Their outbox is the next owner's to publish; what is left of this one's, the next claim tells.
        outboxDue = false;
        for (var partition : partitions) {
            applying.remove(partition.partition());
            unpositioned.remove(partition);
            if (held.remove(partition) != null) {
                stalled.release(partition.partition());
            }
        }
    }

    /**
     * Seeks each newly assigned partition to where the last applying transaction left it, then lets
     * it be read; until the database answers, it stays paused. What its outbox holds is published
     * by {@link #republishOverdueFollowUps} once this instance has caught up.
     */
    private void positionAssignedPartitions() {
        if (unpositioned.isEmpty() || System.nanoTime() - nextPositioning < 0) {
            return;
        }
        var numbers = unpositioned.stream().map(TopicPartition::partition).toList();
        try {
            var recorded = store.nextOffsets(config.topic(), numbers).await().atMost(DATABASE);
            for (var partition : unpositioned) {
                var next = recorded.get(partition.partition());
                if (next == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, next);
                }
            }
            store.clearStalled(config.topic(), numbers).await().atMost(DATABASE);
        } catch (RuntimeException e) {
            LOG.warnf("Cannot position partitions %s yet, retrying in %d ms: %s", numbers, RETRY.toMillis(), e.getMessage());
            nextPositioning = System.nanoTime() + RETRY.toNanos();
            return;
        }
        consumer.resume(unpositioned);
        applying.addAll(numbers);
        unpositioned.clear();
        // Their outbox may hold entries an earlier owner never published.
        unpublishedDecided = true;
        LOG.infof("This consumer now applies partitions %s of %s", applying, config.topic());
    }

    /** Nothing of a failed batch was written: every partition is read again from where the database says. */
    private void resumeFromRecordedOffsets() {
        // A held partition being tried again goes back to waiting at its record.
        held.forEach((partition, hold) -> hold.retrying = false);
        consumer.pause(held.keySet());
        var assigned = new HashSet<>(consumer.assignment());
        assigned.removeAll(held.keySet());
        consumer.pause(assigned);
        unpositioned.addAll(assigned);
        assigned.forEach(partition -> applying.remove(partition.partition()));
    }

    /** A held partition is tried again from its record once its backoff has passed. */
    private void retryHeldPartitions() {
        long now = System.nanoTime();
        for (var entry : held.entrySet()) {
            var hold = entry.getValue();
            if (!hold.retrying && now - hold.retryAt >= 0) {
                hold.retrying = true;
                consumer.seek(entry.getKey(), hold.offset);
                consumer.resume(List.of(entry.getKey()));
            }
        }
    }

    private void hold(ConsumerRecord<ByteBuffer, ByteBuffer> record, RuntimeException cause) {
        var partition = new TopicPartition(record.topic(), record.partition());
        var previous = held.get(partition);
        var backoff = previous == null || previous.offset != record.offset() ? RETRY
                : min(previous.backoff.multipliedBy(2), LONGEST_STALL_RETRY);
        held.put(partition, new Hold(record.offset(), backoff, System.nanoTime() + backoff.toNanos()));
        consumer.pause(List.of(partition));
        stalled.stall(record.partition(), record.offset(), cause);
        if (previous == null || previous.offset != record.offset()) {
            store.markStalled(config.topic(), record.partition(), record.offset()).await().atMost(DATABASE);
        }
    }

    private void released(Collection<Integer> appliedPartitions) {
        if (held.isEmpty()) {
            return;
        }
        var through = new ArrayList<Integer>();
        held.keySet().removeIf(partition -> {
            boolean applied = appliedPartitions.contains(partition.partition()) && held.get(partition).retrying;
            if (applied) {
                stalled.release(partition.partition());
                through.add(partition.partition());
            }
            return applied;
        });
        store.clearStalled(config.topic(), through).await().atMost(DATABASE);
    }

    /** Where a held partition waits, and when it is tried again. */
    private static final class Hold {
        final long offset;
        final Duration backoff;
        final long retryAt;
        boolean retrying;

        Hold(long offset, Duration backoff, long retryAt) {
            this.offset = offset;
            this.backoff = backoff;
            this.retryAt = retryAt;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Applying

    private void applyPoll(ConsumerRecords<ByteBuffer, ByteBuffer> records) {
        var reads = new ArrayList<Read>(records.count());
        var copies = new ArrayList<Uni<Void>>();
        for (var record : records) {
            try {
                reads.add(new Read(record, pipeline.read(record.key(), record.value())));
            } catch (InvalidRecordException e) {
                reads.add(new Read(record, null));
                copies.add(skip(record, e));
            }
        }
        if (!copies.isEmpty()) {
            Uni.join().all(copies).andFailFast().await().atMost(DATABASE);
        }
        try {
            applyBatch(reads);
        } catch (RuntimeException e) {
            if (!refusedRecord(e)) {
                throw e;
            }
            var byPartition = new LinkedHashMap<Integer, List<Read>>();
            reads.forEach(read -> byPartition.computeIfAbsent(read.record().partition(), p -> new ArrayList<>()).add(read));
            byPartition.values().forEach(this::applyUpToRefusedRecord);
        }
    }

    /**
     * One partition's records, in order, in halves until the refused record is alone: everything
     * before it is applied, and its partition is held at it.
     *
     * @return whether every record was applied
     */
    private boolean applyUpToRefusedRecord(List<Read> reads) {
        try {
            applyBatch(reads);
            return true;
        } catch (RuntimeException e) {
            if (!refusedRecord(e)) {
                throw e;
            }
            if (reads.size() == 1) {
                hold(reads.get(0).record(), e);
                return false;
            }
            int half = reads.size() / 2;
            return applyUpToRefusedRecord(reads.subList(0, half)) && applyUpToRefusedRecord(reads.subList(half, reads.size()));
        }
    }

    /**
     * Applies the batch in one transaction. A recent record that carries a trace context gets an
     * apply span that ends once the transaction is committed; records of a backlog are not traced.
     */
    private void applyBatch(List<Read> reads) {
        var spans = new ArrayList<Context>();
        try {
            applyBatch(reads, spans);
            spans.forEach(RecordTracing::end);
        } catch (RuntimeException e) {
            spans.forEach(span -> RecordTracing.fail(span, e));
            rollback();
            throw e;
        }
    }

    private SqlConnection connection() {
        if (connection == null) {
            connection = store.connect().await().atMost(DATABASE);
        }
        return connection;
    }

    /** Leaves no transaction open after a failure: a connection that cannot even roll back is given up. */
    private void rollback() {
        if (connection == null) {
            return;
        }
        try {
            store.rollback(connection).await().atMost(DATABASE);
        } catch (RuntimeException e) {
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close().subscribe().with(closed -> { }, failure -> { });
            connection = null;
        }
    }

    private void applyBatch(List<Read> reads, List<Context> spans) {
        var events = reads.stream().filter(read -> read.event() != null).toList();
        var partitions = new HashSet<Integer>();
        reads.forEach(read -> partitions.add(read.record().partition()));
        var connection = connection();
        var state = store.load(connection, config.topic(), partitions, ids(events, Ids.ACCOUNTS), ids(events, Ids.TRANSFERS),
                        ids(events, Ids.COMMANDS), ids(events, Ids.FOLLOW_UPS))
                .await().atMost(DATABASE);
        var decisions = new ArrayList<Decision>(events.size());
        var decidedFollowUps = new ArrayList<PendingFollowUp>();
        var publishNow = new ArrayList<LedgerEvent>();
        var traces = new HashMap<String, Context>();
        var seenFollowUps = new ArrayList<BatchState.FollowUpKey>();
        var announcements = new ArrayList<String>();
        var copies = new ArrayList<Uni<Void>>();
        // Past the publisher's window, even a recent record's follow-ups wait in the outbox, never published:
        // see republishOverdueFollowUps.
        boolean publishing = followUpsInFlight.get() < EventPublisher.FOLLOW_UPS_IN_FLIGHT;
        for (var read : events) {
            boolean recent = recent(read.record());
            var span = recent ? tracing.startApply(read.record(), read.event()) : null;
            Decision decision;
            state.beginEvent(read.record().partition(), read.event().timestamp());
            try {
                decision = RecordPipeline.decide(state, read.event());
            } catch (InvalidRecordException e) {
                copies.add(skip(read.record(), e));
                RecordTracing.fail(span, e);
                continue;
            }
            if (span != null) {
                spans.add(span);
            }
            decision.writeTo(state);
            decisions.add(decision);
            if (decision.isFollowUp()) {
                seenFollowUps.add(new BatchState.FollowUpKey(read.event().eventId(), read.record().partition()));
            }
            for (var followUp : decision.followUps()) {
                decidedFollowUps.add(new PendingFollowUp(followUp.eventId(), read.record().partition(), stalled.partitionOf(followUp.accountId()),
                        new String(codec.encode(followUp), StandardCharsets.UTF_8), recent && publishing));
                if (recent && publishing) {
                    publishNow.add(followUp);
                    if (span != null) {
                        traces.put(followUp.eventId(), span);
                    }
                }
            }
            announcements.addAll(PgNotifications.of(decision));
        }
        if (!copies.isEmpty()) {
            Uni.join().all(copies).andFailFast().await().atMost(DATABASE);
        }
        var nextOffsets = offsets(reads, true);
        store.write(connection, config.topic(), state, new BatchChanges(decidedFollowUps, seenFollowUps, offsets(reads, false),
                        nextOffsets, PgNotifications.packed(outcomes, announcements)))
                .await().atMost(DATABASE);

        released(nextOffsets.keySet());
        for (var decision : decisions) {
            metrics.applied(decision.outcome());
            outcomes.applied(decision, storedCommand(state, decision));
        }
        nextOffsets.forEach((partition, offset) -> uncommitted.put(new TopicPartition(config.topic(), partition),
                new OffsetAndMetadata(offset)));
        reads.forEach(read -> lastApplied.merge(read.record().partition(), read.record().timestamp(), Math::max));
        if (decidedFollowUps.size() > publishNow.size()) {
            unpublishedDecided = true;
        }
        publish(publishNow, traces);
    }

    private static CommandResult storedCommand(BatchState state, Decision decision) {
        return decision.isFollowUp() ? null : state.command(decision.event().accountId(), decision.event().commandId()).orElse(null);
    }

    /** Skipped as replay mode skips it, and copied to the dead-letter topic. */
    private Uni<Void> skip(ConsumerRecord<ByteBuffer, ByteBuffer> record, InvalidRecordException why) {
        metrics.skipped(record, why);
        return deadLetters.copy(record, why.reason(), why.getMessage());
    }

    /** Whether a failure is the database refusing a record's data, rather than the database or broker being away. */
    private static boolean refusedRecord(Throwable failure) {
        return SqlStates.inClass(failure, RECORD_ERRORS);
    }

    // ---------------------------------------------------------------------------------------------
    // Follow-ups

    /**
     * Publishes follow-ups without holding up the next batch: those the broker acknowledges leave the
     * outbox, so only those it did not are ever published again. None that this instance has in
     * flight is handed over again. They count against this consumer's window until the broker has
     * answered for each (the producer's {@code delivery.timeout.ms} bounds that) and the
     * acknowledged ones are deleted: a timeout of its own would let a claim take and send again
     * what the producer still holds.
     */
    private void publish(List<LedgerEvent> followUps, Map<String, Context> traces) {
        var handedOver = inFlight.take(followUps);
        if (handedOver.isEmpty()) {
            return;
        }
        followUpsInFlight.addAndGet(handedOver.size());
        publisher.publishFollowUps(handedOver, traces)
                // A database that does not answer leaves them in the outbox, due again after the retry interval.
                .call(written -> store.written(written).ifNoItem().after(DATABASE).fail())
                .onItemOrFailure().invoke((leftTheOutbox, failure) -> {
                    inFlight.settled(handedOver, leftTheOutbox == null ? Set.of() : leftTheOutbox);
                    followUpsInFlight.addAndGet(-handedOver.size());
                })
                .subscribe().with(written -> { }, failure -> LOG.warnf(
                        "Follow-ups were published but stay in the outbox, to be published again: %s", failure.getMessage()));
    }

    /**
     * Follow-ups in the outbox that nobody is publishing. Only once caught up: on a backlog, a
     * follow-up still in the outbox may well be further on in the topic already. Due are those
     * published a retry interval ago and still not applied (the publication failed, or its owner
     * died before the acknowledgement), and those never published (decided while catching up, or
     * past the publisher's window): these after the same interval, or as soon as every partition of
     * the topic has been applied, by whichever consumer of the group, as far as it stood after they
     * were decided ({@link AppliedMark}): a copy already on the topic, written by an earlier owner or
     * a replay instance, has then been applied and its entry deleted. A claim reads them and leaves
     * out what this instance has handed over ({@link FollowUpsInFlight}). It goes out whenever half
     * of this consumer's window is free, while earlier ones are still in flight, so that a catch-up's
     * outbox is published as fast as the group applies it.
     */
    private void republishOverdueFollowUps() {
        int room = EventPublisher.FOLLOW_UPS_IN_FLIGHT - followUpsInFlight.get();
        if (room < EventPublisher.FOLLOW_UPS_IN_FLIGHT / 2 || applying.isEmpty()
                || !applying.stream().allMatch(partition -> caughtUp(partition) || isHeld(partition))) {
            return;
        }
        var decidedBefore = appliedMark();
        if (decidedBefore == null && System.nanoTime() - nextRepublish < 0) {
            return;
        }
        var retry = config.group().followUpRetry();
        var publishedBefore = OffsetDateTime.now(ZoneOffset.UTC).minus(retry);
        var neverPublishedBefore = decidedBefore == null || decidedBefore.isBefore(publishedBefore) ? publishedBefore : decidedBefore;
        // What this instance handed over is due too, until it leaves the outbox: read past it.
        var claimed = store.duePending(Set.copyOf(applying), publishedBefore, neverPublishedBefore, room + inFlight.handedOverCount())
                .await().atMost(DATABASE).stream()
                .filter(due -> !inFlight.handedOver(due.eventId()))
                .limit(room)
                .toList();
        // A full claim means more may be due (a catch-up's outbox): the next goes as soon as there is room.
        boolean full = claimed.size() == room;
        outboxDue = full;
        if (decidedBefore != null && !full) {
            mark = null;
        }
        nextRepublish = System.nanoTime() + (full ? 0 : retry.toNanos());
        republish(claimed);
    }

    /**
     * The database time before which never-published entries may be claimed, once the group has
     * applied every partition of the topic up to the current mark's end offsets; null until then.
     * Takes a mark when such entries wait and none covers them: the database's time first, then the
     * end offsets, so that every entry decided before that time was committed before the offsets were
     * read (this consumer's batches run one after the other, on this thread).
     */
    private OffsetDateTime appliedMark() {
        if (mark == null) {
            if (!unpublishedDecided) {
                return null;
            }
            var decidedBefore = store.now().await().atMost(DATABASE);
            var latest = new HashMap<TopicPartition, OffsetSpec>();
            consumer.partitionsFor(config.topic()).forEach(info -> latest.put(new TopicPartition(info.topic(), info.partition()),
                    OffsetSpec.latest()));
            var ends = new HashMap<Integer, Long>();
            try {
                admin.listOffsets(latest).all().get(DATABASE.toSeconds(), TimeUnit.SECONDS)
                        .forEach((partition, end) -> ends.put(partition.partition(), end.offset()));
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaException("Cannot read the end offsets of " + config.topic(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted while reading the end offsets of " + config.topic(), e);
            }
            mark = new AppliedMark(decidedBefore, ends);
            unpublishedDecided = false;
            nextMarkCheck = System.nanoTime() + MARK_CHECK.toNanos();
            return null;
        }
        if (System.nanoTime() - nextMarkCheck < 0) {
            return null;
        }
        nextMarkCheck = System.nanoTime() + MARK_CHECK.toNanos();
        var applied = store.nextOffsets(config.topic(), mark.endOffsets().keySet()).await().atMost(DATABASE);
        return mark.endOffsets().entrySet().stream().allMatch(end -> applied.getOrDefault(end.getKey(), 0L) >= end.getValue())
                ? mark.decidedBefore() : null;
    }

    /** Never-published outbox entries decided before {@code decidedBefore}, and every partition's end offset read after it. */
    private record AppliedMark(OffsetDateTime decidedBefore, Map<Integer, Long> endOffsets) {
    }

    private void republish(List<DueFollowUp> due) {
        publish(due.stream().map(entry -> codec.decode(entry.event().getBytes(StandardCharsets.UTF_8))).toList(), Map.of());
    }

    // ---------------------------------------------------------------------------------------------

    /** Per partition, the batch's first offset, or the offset after its last. */
    private static Map<Integer, Long> offsets(List<Read> reads, boolean next) {
        var offsets = new HashMap<Integer, Long>();
        for (var read : reads) {
            var record = read.record();
            if (next) {
                offsets.merge(record.partition(), record.offset() + 1, Math::max);
            } else {
                offsets.merge(record.partition(), record.offset(), Math::min);
            }
        }
        return offsets;
    }

    private void commitForMonitoring() {
        if (System.nanoTime() - nextMonitoringCommit >= 0) {
            commitUncommitted();
        }
    }

    private void commitUncommitted() {
        if (!uncommitted.isEmpty()) {
            consumer.commitAsync(Map.copyOf(uncommitted), null);
            uncommitted.clear();
            nextMonitoringCommit = System.nanoTime() + MONITORING_COMMIT.toNanos();
        }
    }

    /** The records left on each partition once the poll just made is applied. */
    private void measureLag() {
        long total = 0;
        boolean known = unpositioned.isEmpty();
        for (var partition : consumer.assignment()) {
            var records = consumer.currentLag(partition);
            if (records.isEmpty()) {
                known = false;
                continue;
            }
            lag.put(partition.partition(), records.getAsLong());
            metrics.lag(partition.partition(), records.getAsLong());
            if (!held.containsKey(partition)) {
                total += records.getAsLong();
            }
        }
        backlog = known ? total : ConsumerScaling.UNSETTLED;
    }

    /**
     * Records left to read on this consumer's partitions after its last poll, those held back at a
     * record left out (more consumers would not read them sooner); {@link ConsumerScaling#UNSETTLED}
     * while a partition is still being positioned, or while the outbox is published in full claims.
     */
    long backlog() {
        return outboxDue ? ConsumerScaling.UNSETTLED : backlog;
    }

    private boolean atTheEnd() {
        return unpositioned.isEmpty() && consumer.assignment().stream().allMatch(partition -> lag.getOrDefault(partition.partition(), -1L) == 0);
    }

    /**
     * Whether a record was written less than {@code LEDGER_GROUP_FOLLOW_UP_RETRY} ago: its follow-ups
     * are published at once. Those of an older record (a backlog being caught up on) wait in the
     * outbox: another instance (a replay instance, or an earlier owner) may have written them
     * already, further on in the topic, and they are applied from there; those that are not are
     * published once this instance has caught up.
     */
    private boolean recent(ConsumerRecord<ByteBuffer, ByteBuffer> record) {
        return withinRetry(record.timestamp());
    }

    /** Nothing left to read on the partition, or what was last applied there is recent. */
    private boolean caughtUp(int partition) {
        return lag.getOrDefault(partition, Long.MAX_VALUE) == 0 || withinRetry(lastApplied.getOrDefault(partition, 0L));
    }

    /** Whether a record time is less than {@code LEDGER_GROUP_FOLLOW_UP_RETRY} ago. */
    private boolean withinRetry(long timestampMillis) {
        return System.currentTimeMillis() - timestampMillis < config.group().followUpRetry().toMillis();
    }

    /** A held partition's lag only grows while it waits: it does not hold back the others' outbox. */
    private boolean isHeld(int partition) {
        return held.keySet().stream().anyMatch(waiting -> waiting.partition() == partition);
    }

    /** The ids a batch's events read, by kind, to load their rows in one query each. */
    private enum Ids {
        ACCOUNTS, TRANSFERS, COMMANDS, FOLLOW_UPS;

        void addOf(LedgerEvent event, Set<String> ids) {
            switch (this) {
                case ACCOUNTS -> ids.add(event.accountId());
                // A follow-up carries its transfer's command id, but the rules never read a command for it.
                case COMMANDS -> {
                    if (!(event.payload() instanceof Payload.FollowUp)) {
                        ids.add(event.commandId());
                    }
                }
                case FOLLOW_UPS -> {
                    if (event.payload() instanceof Payload.FollowUp) {
                        ids.add(event.eventId());
                    }
                }
                case TRANSFERS -> {
                    if (event.payload() instanceof Payload.TransferRequested transfer) {
                        ids.add(transfer.transferId());
                    } else if (event.payload() instanceof Payload.FollowUp followUp) {
                        ids.add(followUp.transferId());
                    }
                }
            }
        }
    }

    private static Set<String> ids(List<Read> reads, Ids kind) {
        var ids = new HashSet<String>();
        reads.forEach(read -> kind.addOf(read.event(), ids));
        return ids;
    }

    private static Duration min(Duration one, Duration other) {
        return one.compareTo(other) <= 0 ? one : other;
    }

    /** A polled record and its event, or null when it may not be applied (already counted and copied). */
    private record Read(ConsumerRecord<ByteBuffer, ByteBuffer> record, LedgerEvent event) {
    }

    void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
