package dev.ledger.replay;

import dev.ledger.command.Outcomes;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Decision;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.ConsumerMetrics;
import dev.ledger.pipeline.EventPublisher;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.InvalidRecordException;
import dev.ledger.pipeline.RecordPipeline;
import dev.ledger.pipeline.SnapshotInfo;
import dev.ledger.pipeline.RecordTracing;
import dev.ledger.pipeline.StalledPartitions;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.context.Context;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.jboss.logging.Logger;

/**
 * Replay mode's consumer: reads every partition from the beginning, with no consumer group and no
 * committed offsets, into {@link ReplayState}. Caught up once it has reached the end offsets the
 * topic had at start.
 *
 * <p>Fetching and applying overlap: one thread polls and reads each record through the
 * {@link RecordPipeline}, and hands each poll, in order, with the positions the consumer had after
 * it, to the applying threads ({@code LEDGER_REPLAY_APPLYING_THREADS}), each the one writer of its
 * partitions, so the rules see each partition in order. An account's state depends on its own
 * partition alone, so more applying threads apply more partitions at once; the one thing two of
 * them share is a transfer, decided under its lock ({@link ReplayState#transferLock}). The
 * hand-over holds a few polls at most: the fetching thread waits when an applying one is behind.
 *
 * <p>Before reading the topic it restores the newest valid snapshot, if any, and reads only the
 * events after it. Once caught up, the owner of partition 0 writes a new snapshot whenever the
 * newest is more than {@code LEDGER_SNAPSHOT_INTERVAL} events behind, from a cut between two
 * batches, serialised on a thread of its own while applying goes on.
 *
 * <p>A record that passes the rules but cannot be applied stalls its partition: the partition's
 * position stays at that record, its later records are not applied, and the fetching thread stops
 * fetching it. State in memory is not transactional, so the record is not tried again (it could
 * have been half applied); a restart replays it.
 */
@Singleton
public class ReplayConsumer {

    private static final Logger LOG = Logger.getLogger(ReplayConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Polls read and waiting to be applied: enough to keep both threads busy, little memory. */
    private static final int HAND_OVER_POLLS = 4;
    /** Larger polls than Kafka's default 500 records: fewer hand-overs and position updates per event. */
    private static final int MAX_POLL_RECORDS = 5000;

    private final EventTopic topic;
    private final LedgerConfig config;
    private final RecordPipeline pipeline;
    private final ReplayState state;
    private final Outcomes outcomes;
    private final EventPublisher publisher;
    private final ConsumerMetrics metrics;
    private final StalledPartitions stalled;
    private final RecordTracing tracing;

    private volatile boolean running;
    private volatile boolean caughtUp;
    private final CountDownLatch caughtUpSignal = new CountDownLatch(1);
    private volatile Map<TopicPartition, Long> endAtStart = Map.of();
    /** Each partition's position once its polled records are applied; each written by its applying thread. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    /** Partitions an applying thread stalled, for the fetching thread to stop fetching. */
    private final ConcurrentLinkedQueue<TopicPartition> toPause = new ConcurrentLinkedQueue<>();
    /** Stalled partitions and the offset each waits at; each written by its applying thread. */
    private final Map<TopicPartition, Long> heldBack = new ConcurrentHashMap<>();
    private final AtomicInteger followUpsInFlight = new AtomicInteger();
    /** Held for what follows a batch on any applying thread: catching up, publishing, snapshots. */
    private final Object afterBatch = new Object();
    private Thread fetching;
    private List<Applier> appliers = List.of();
    private KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
    private KafkaClientMetrics clientMetrics;
    private FollowUpOwnership ownership;
    private PendingFollowUps pending;
    private ReplaySnapshots snapshots;

    ReplayConsumer(EventTopic topic, LedgerConfig config, RecordPipeline pipeline, ReplayState state, Outcomes outcomes,
                   EventPublisher publisher, ConsumerMetrics metrics, StalledPartitions stalled, RecordTracing tracing) {
        this.topic = topic;
        this.config = config;
        this.pipeline = pipeline;
        this.state = state;
        this.outcomes = outcomes;
        this.publisher = publisher;
        this.metrics = metrics;
        this.stalled = stalled;
        this.tracing = tracing;
    }

    /** Every partition applied up to the end offset it had when this instance started, or stalled before it. */
    boolean caughtUp() {
        return caughtUp;
    }

    /** Blocks until caught up or {@code timeout} has passed. */
    void awaitCaughtUp(Duration timeout) throws InterruptedException {
        caughtUpSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean running() {
        return running;
    }

    void start(int partitionCount) {
        var settings = new HashMap<>(topic.clientConfig(ConsumerConfig.configNames()));
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        consumer = new KafkaConsumer<>(settings, new ByteBufferDeserializer(), new ByteBufferDeserializer());
        clientMetrics = metrics.clientMetrics(consumer);
        var partitions = IntStream.range(0, partitionCount).mapToObj(p -> new TopicPartition(config.topic(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = Map.copyOf(consumer.endOffsets(partitions));
        LOG.infof("Replaying %s up to offsets %s", config.topic(), byPartition(endAtStart));
        metrics.replayProgress(this::progress);
        pending = new PendingFollowUps(config.replay().followUpRetry(), stalled::partitionOf);
        snapshots = new ReplaySnapshots(topic.clientConfig(), config.snapshotTopic(), config.snapshotCpuShare(),
                config.snapshotFetchBytes());
        metrics.snapshotAge(snapshots::ageSeconds);
        running = true;
        int threads = Math.max(1, Math.min(partitionCount, config.replay().applyingThreads()));
        appliers = IntStream.range(0, threads).mapToObj(i -> new Applier(threads == 1 ? "ledger-replay" : "ledger-replay-" + i))
                .toList();
        fetching = new Thread(this::fetch, "ledger-replay-fetch");
        fetching.start();
        appliers.forEach(applier -> applier.thread.start());
    }

    private void fetch() {
        restore();
        while (running) {
            try {
                for (TopicPartition partition; (partition = toPause.poll()) != null; ) {
                    consumer.pause(List.of(partition));
                }
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
        clientMetrics.close();
        consumer.close(Duration.ofSeconds(5));
    }

    /**
     * Restores the newest valid snapshot and positions the consumer after it; with none (or when the
     * snapshot topic cannot be read), the consumer stays at the beginning and replays everything.
     * Runs on the fetching thread before its first poll, so the applying thread sees the result.
     */
    private void restore() {
        var partitions = List.copyOf(endAtStart.keySet());
        try {
            var restored = snapshots.restore(state, byPartition(consumer.beginningOffsets(partitions)), byPartition(endAtStart));
            restored.ifPresent(snapshot -> {
                var at = new HashMap<TopicPartition, Long>();
                snapshot.positions().forEach((partition, offset) -> {
                    var tp = new TopicPartition(config.topic(), partition);
                    consumer.seek(tp, offset);
                    at.put(tp, offset);
                });
                snapshot.pending().forEach(entry -> pending.decided(entry.sourcePartition(), entry.event(), null));
                positions.putAll(at);
            });
        } catch (RuntimeException e) {
            state.clear();
            consumer.seekToBeginning(partitions);
            LOG.warnf("Reading snapshots from %s failed, replaying the whole topic: %s", config.snapshotTopic(), e.getMessage());
        }
    }

    /** Hands each applying thread its part of a poll, waiting while one is behind, but never past stop(). */
    private void handOver(List<Fetched> parts) throws InterruptedException {
        for (int i = 0; i < parts.size(); i++) {
            var queue = appliers.get(i).fetched;
            while (running && !queue.offer(parts.get(i), POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                // that applying thread is a few polls behind
            }
        }
    }

    /**
     * One poll, read, in one part per applying thread: its partitions' records, and their positions
     * after the poll, so that they advance only once those records are applied.
     */
    private List<Fetched> fetchOnce() {
        var records = consumer.poll(POLL);
        int threads = appliers.size();
        var parts = new ArrayList<Fetched>(threads);
        for (int i = 0; i < threads; i++) {
            parts.add(new Fetched(new ArrayList<>(records.count() / threads + 1), new HashMap<>(), new HashMap<>()));
        }
        for (var record : records) {
            parts.get(record.partition() % threads).records().add(read(record));
        }
        for (var partition : consumer.assignment()) {
            var part = parts.get(partition.partition() % threads);
            part.positions().put(partition, consumer.position(partition));
            consumer.currentLag(partition).ifPresent(lag -> part.lags().put(partition.partition(), lag));
        }
        return parts;
    }

    private Read read(ConsumerRecord<ByteBuffer, ByteBuffer> record) {
        try {
            return new Read(record, pipeline.read(record.key(), record.value()), null);
        } catch (InvalidRecordException e) {
            return new Read(record, null, e);
        }
    }

    /** One applying thread: the one writer of the partitions whose number modulo the threads is its own. */
    private final class Applier {

        final BlockingQueue<Fetched> fetched = new ArrayBlockingQueue<>(HAND_OVER_POLLS);
        final Thread thread;
        /** By partition, its writer: made on the first event, after a snapshot was restored or not. */
        private final Map<Integer, ReplayState.Writer> writers = new HashMap<>();

        Applier(String name) {
            this.thread = new Thread(this::run, name);
        }

        private void run() {
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
                    // Not a record's failure (each stalls its own partition): waking requests or
                    // publishing failed after the batch was applied, and the next batch may go on.
                    LOG.errorf(e, "Reporting a replayed batch failed");
                }
            }
        }

        private void applyOnce(Fetched batch) {
            var decisions = new ArrayList<Decision>(batch.records().size());
            // Rebuilding state is not traced: a span per record would cost more than its apply.
            boolean traced = caughtUp;
            state.writeBatch(() -> {
                for (var read : batch.records()) {
                    if (heldBack.isEmpty() || !heldBack.containsKey(partitionOf(read.record()))) {
                        applyOrStall(read, decisions, traced);
                    }
                }
                var reached = new HashMap<>(batch.positions());
                reached.replaceAll((partition, position) -> heldBack.getOrDefault(partition, position));
                reached.forEach((partition, position) -> state.advance(partition.partition(), position));
                positions.putAll(reached);
            });
            batch.lags().forEach(metrics::lag);
            for (var decision : decisions) {
                var commandId = decision.event().commandId();
                // Reading a stored result back costs more than applying it: only for a request that waits here.
                boolean awaited = !decision.isFollowUp() && outcomes.awaited(commandId);
                outcomes.applied(decision, awaited ? state.command(decision.event().accountId(), commandId).orElse(null) : null);
            }
            synchronized (afterBatch) {
                if (!caughtUp && reachedStartEnd()) {
                    caughtUp = true;
                    caughtUpSignal.countDown();
                    LOG.infof("Replay caught up: %s", byPartition(positions));
                    // Only now: an owner that is still replaying would hold back the follow-ups of its partitions.
                    ownership = new FollowUpOwnership(topic.clientConfig(), config.replay().ownerGroup(),
                            config.group().consumerGroup(), config.topic());
                    ownership.start();
                }
                if (caughtUp) {
                    publishDueFollowUps();
                    snapshotIfBehind();
                }
            }
        }

        private void applyOrStall(Read read, List<Decision> decisions, boolean traced) {
            var record = read.record();
            if (read.invalid() != null) {
                metrics.skipped(record, read.invalid());
                return;
            }
            var span = traced ? tracing.startApply(record, read.event()) : null;
            try {
                var writer = writers.computeIfAbsent(record.partition(), state::writer);
                apply(writer, read.event(), record.partition(), record.timestamp(), decisions, span);
                RecordTracing.end(span);
            } catch (InvalidRecordException e) {
                metrics.skipped(record, e);
                RecordTracing.fail(span, e);
            } catch (RuntimeException e) {
                var partition = partitionOf(record);
                heldBack.put(partition, record.offset());
                toPause.add(partition);
                stalled.stall(record.partition(), record.offset(), e);
                RecordTracing.fail(span, e);
            }
        }
    }

    /**
     * The owner of partition 0 writes a snapshot once the newest it knows is more than the interval
     * behind: the cut is taken here, between two batches, and written on the snapshot thread.
     */
    private void snapshotIfBehind() {
        long interval = config.snapshotInterval();
        if (interval <= 0 || !ownership.owns(0) || snapshots.busy()) {
            return;
        }
        long applied = 0;
        for (long position : positions.values()) {
            applied += position;
        }
        if (applied - snapshots.eventsInNewest() <= interval) {
            return;
        }
        var pendingAtCut = new ArrayList<PendingFollowUps.Entry>();
        var cut = state.tryBeginCut(() -> pendingAtCut.addAll(pending.entries()));
        if (cut != null) {
            snapshots.writeInBackground(state, cut, pendingAtCut);
        }
    }

    /** The newest snapshot this instance wrote or restored. */
    Optional<SnapshotInfo> snapshot() {
        return snapshots == null ? Optional.empty() : snapshots.newest();
    }

    /**
     * {@code recordMillis}: the record's timestamp, by which its follow-ups count as decided from
     * history (see {@link PendingFollowUps#decidedByOldRecord}), as group mode counts a record recent.
     * {@code span}: the apply's trace, which its follow-ups continue; null when not traced.
     */
    private void apply(ReplayState.Writer writer, LedgerEvent event, int partition, long recordMillis, List<Decision> decisions,
                       Context span) {
        writer.beginEvent(event.timestamp());
        var transferId = transferId(event);
        Decision decision;
        if (transferId == null) {
            decision = decideAndWrite(writer, event);
        } else {
            synchronized (state.transferLock(transferId)) {
                decision = decideAndWrite(writer, event);
            }
        }
        metrics.applied(decision.outcome());
        if (decision.isFollowUp()) {
            pending.seen(event.eventId(), partition);
        }
        for (var followUp : decision.followUps()) {
            // Checked and added as one step: the thread applying the follow-up's partition marks it
            // applied before it calls seen(), so either this sees it applied or seen() removes it.
            synchronized (pending) {
                if (!state.followUpApplied(followUp.eventId(), stalled.partitionOf(followUp.accountId()))) {
                    decided(partition, followUp, span, recordMillis);
                }
            }
        }
        decisions.add(decision);
    }

    /** A follow-up to publish; one a record older than the retry interval decided waits one interval first. */
    private void decided(int partition, LedgerEvent followUp, Context span, long recordMillis) {
        if (System.currentTimeMillis() - recordMillis < config.replay().followUpRetry().toMillis()) {
            pending.decided(partition, followUp, span);
        } else {
            pending.decidedByOldRecord(partition, followUp, span, System.nanoTime());
        }
    }

    private static Decision decideAndWrite(ReplayState.Writer writer, LedgerEvent event) {
        var decision = RecordPipeline.decide(writer, event);
        decision.writeTo(writer);
        return decision;
    }

    /** The transfer the event reads and writes, or null. */
    private static String transferId(LedgerEvent event) {
        var payload = event.payload();
        if (payload instanceof Payload.TransferRequested transfer) {
            return transfer.transferId();
        }
        if (payload instanceof Payload.TransferCreditRequested credit) {
            return credit.transferId();
        }
        return payload instanceof Payload.TransferRefundRequested refund ? refund.transferId() : null;
    }

    /** Publishes what is due, never more than the publisher's window at once: the rest waits for the next batch. */
    private void publishDueFollowUps() {
        int room = EventPublisher.FOLLOW_UPS_IN_FLIGHT - followUpsInFlight.get();
        if (room <= 0) {
            return;
        }
        var due = pending.due(ownership::publishes, ownership.takeNewlyOwned(), System.nanoTime(), room);
        if (!due.isEmpty()) {
            followUpsInFlight.addAndGet(due.size());
            publisher.publishFollowUps(due, pending.traces(due)).subscribe().with(written -> followUpsInFlight.addAndGet(-due.size()));
        }
    }

    private boolean reachedStartEnd() {
        return endAtStart.entrySet().stream().allMatch(end -> heldBack.containsKey(end.getKey())
                || positions.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    /** Share of the events present at start that have been applied. */
    double progress() {
        long total = endAtStart.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0 || caughtUp) {
            return 1.0;
        }
        long done = endAtStart.entrySet().stream()
                .mapToLong(end -> Math.min(positions.getOrDefault(end.getKey(), 0L), end.getValue())).sum();
        return (double) done / total;
    }

    void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        fetching.join(10_000);
        for (var applier : appliers) {
            applier.thread.join(10_000);
        }
        if (ownership != null) {
            ownership.close();
        }
        snapshots.close();
    }

    /**
     * One poll's records, in the order polled, and each partition's position after that poll and the
     * records then left to its end: the lag once this batch is applied.
     */
    private record Fetched(List<Read> records, Map<TopicPartition, Long> positions, Map<Integer, Long> lags) {
    }

    /** A polled record and its event, or why it may not be applied. */
    private record Read(ConsumerRecord<ByteBuffer, ByteBuffer> record, LedgerEvent event, InvalidRecordException invalid) {
    }

    /** Only a stall needs the record's partition as an object: not made for every record applied. */
    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
        var result = new TreeMap<Integer, Long>();
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
