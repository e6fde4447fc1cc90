package dev.ledger.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.SnapshotInfo;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Snapshots of the replay state on their own topic (one partition), so that a starting instance
 * replays only the events after the newest one. A snapshot is its body ({@link SnapshotFormat}),
 * LZ4-compressed, cut into chunks of {@value #CHUNK_BYTES} bytes (records well under the broker's
 * 1 MB limit) keyed {@code <snapshotId>/<index>}, then a {@link SnapshotManifest} keyed
 * {@code <snapshotId>/manifest}, written once every chunk is acknowledged. After a manifest is
 * acknowledged, everything before the previous snapshot's first chunk is deleted (delete-records),
 * so the topic holds the newest snapshot and the one before it.
 *
 * <p>Writing happens on a thread of its own, from a cut of the state, while the replay goes on.
 *
 * <p>LZ4 is the pure-Java, safe implementation of lz4-java (already on Kafka's class path): no JNI
 * and no Unsafe, so it runs alike in a native image. Its factories load the implementation by name
 * and read its {@code INSTANCE} field, hence the registration for reflection.
 */
@RegisterForReflection(classNames = {"net.jpountz.lz4.LZ4JavaSafeCompressor", "net.jpountz.lz4.LZ4HCJavaSafeCompressor",
        "net.jpountz.lz4.LZ4JavaSafeFastDecompressor", "net.jpountz.lz4.LZ4JavaSafeSafeDecompressor",
        "net.jpountz.xxhash.XXHash32JavaSafe", "net.jpountz.xxhash.XXHash64JavaSafe",
        "net.jpountz.xxhash.StreamingXXHash32JavaSafe$Factory", "net.jpountz.xxhash.StreamingXXHash64JavaSafe$Factory"},
        fields = true)
final class ReplaySnapshots implements AutoCloseable {

    static final int CHUNK_BYTES = 512 * 1024;
    /** What a restoring stage hands the next at once, decompressed. */
    private static final int DECOMPRESSED_BLOCK = 1024 * 1024;
    /** Blocks waiting between two restoring stages: enough to ride out a slow poll, few enough to bound the memory. */
    private static final int PIPE_BLOCKS = 32;
    private static final String MANIFEST = "manifest";
    private static final Logger LOG = Logger.getLogger(ReplaySnapshots.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration BROKER = Duration.ofSeconds(30);
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, Object> clientConfig;
    private final TopicPartition partition;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "ledger-snapshot"));
    /** After a failed write, none is tried again before this time, so a broker away is not met with a write per batch. */
    private static final Duration AFTER_FAILURE = Duration.ofMinutes(1);

    private final AtomicBoolean writing = new AtomicBoolean();
    private final double cpuShare;
    private final int fetchBytes;
    private volatile long notBefore = System.nanoTime();
    private KafkaProducer<String, byte[]> producer;
    private volatile Newest newest;

    /** The newest snapshot this instance wrote or restored, and where its chunks begin on the topic. */
    private record Newest(SnapshotInfo info, long firstOffset) {
    }

    /**
     * @param cpuShare the share of one core the writing thread may take (see {@link Pace})
     * @param fetchBytes the most a restore fetches in one request
     */
    ReplaySnapshots(Map<String, Object> clientConfig, String topic, double cpuShare, int fetchBytes) {
        this.clientConfig = clientConfig;
        this.partition = new TopicPartition(topic, 0);
        this.cpuShare = cpuShare;
        this.fetchBytes = fetchBytes;
    }

    Optional<SnapshotInfo> newest() {
        var known = newest;
        return known == null ? Optional.empty() : Optional.of(known.info());
    }

    /** Seconds since the newest snapshot this instance wrote or restored was taken; NaN when it has none. */
    double ageSeconds() {
        var known = newest;
        return known == null ? Double.NaN : Duration.between(known.info().takenAt(), Instant.now()).toMillis() / 1000.0;
    }

    /** The number of events the newest known snapshot holds (0 with none), to tell how far behind it is. */
    long eventsInNewest() {
        var known = newest;
        return known == null ? 0 : known.info().positions().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether a snapshot is being written, or one failed a short while ago: no new one now. */
    boolean busy() {
        return writing.get() || System.nanoTime() - notBefore < 0;
    }

    /** The snapshot topic, as replay mode creates it when missing: one partition, kept until deleted explicitly. */
    static NewTopic newTopic(String name) {
        return new NewTopic(name, Optional.of(1), Optional.empty()).configs(EventTopic.KEPT_FOREVER);
    }

    // ---------------------------------------------------------------------------------------------
    // Restoring

    /** What a restore gives the consumer besides the state: where to resume, and the follow-ups still pending. */
    record Restored(Map<Integer, Long> positions, List<PendingFollowUps.Entry> pending) {
    }

    /**
     * Restores the newest valid snapshot into the empty {@code state}: a damaged, partial or
     * incompatible one is ignored with one WARN line and the one before it tried.
     *
     * @param beginning per partition of the event topic, its first offset now
     * @param end per partition of the event topic, its end offset at start
     * @return empty when there is no valid snapshot: replay the whole topic
     */
    Optional<Restored> restore(ReplayState state, Map<Integer, Long> beginning, Map<Integer, Long> end) {
        try (var consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            long endOffset = consumer.endOffsets(List.of(partition)).get(partition);
            // The newest snapshot's manifest is nearly always the topic's last record: tried first, its chunks are read
            // once, where finding every manifest reads every chunk on the topic.
            var last = lastManifest(consumer, endOffset);
            var restored = last.flatMap(manifest -> load(consumer, manifest, problem(manifest, beginning, end), state));
            if (restored.isPresent()) {
                return restored;
            }
            var tried = last.map(SnapshotManifest::snapshotId).orElse(null);
            consumer.seekToBeginning(List.of(partition));
            var manifests = new ArrayList<SnapshotManifest>();
            var chunks = new HashMap<String, Set<Integer>>();
            while (consumer.position(partition) < endOffset) {
                for (var record : consumer.poll(POLL)) {
                    var key = Key.parse(record.key());
                    if (key == null) {
                        LOG.warnf("Ignoring a record without a snapshot key at offset %d of %s", record.offset(), partition.topic());
                    } else if (key.manifest()) {
                        manifest(record.value(), record.offset()).filter(manifest -> !manifest.snapshotId().equals(tried))
                                .ifPresent(manifests::add);
                    } else {
                        chunks.computeIfAbsent(key.snapshotId(), id -> new HashSet<>()).add(key.index());
                    }
                }
            }
            manifests.sort(Comparator.comparingLong(SnapshotManifest::firstOffset).reversed());
            for (var manifest : manifests) {
                var problem = problem(manifest, beginning, end);
                problem = problem != null ? problem : missingChunk(manifest, chunks.getOrDefault(manifest.snapshotId(), Set.of()));
                restored = load(consumer, manifest, problem, state);
                if (restored.isPresent()) {
                    return restored;
                }
            }
            return Optional.empty();
        }
    }

    /** The topic's last record, if it is a manifest. */
    private Optional<SnapshotManifest> lastManifest(KafkaConsumer<String, byte[]> consumer, long endOffset) {
        if (endOffset <= consumer.beginningOffsets(List.of(partition)).get(partition)) {
            return Optional.empty();
        }
        consumer.seek(partition, endOffset - 1);
        while (consumer.position(partition) < endOffset) {
            for (var record : consumer.poll(POLL)) {
                var key = Key.parse(record.key());
                if (record.offset() == endOffset - 1 && key != null && key.manifest()) {
                    return manifest(record.value(), record.offset());
                }
            }
        }
        return Optional.empty();
    }

    /** Loads the snapshot unless its manifest showed a {@code problem}, which is logged instead. */
    private Optional<Restored> load(KafkaConsumer<String, byte[]> consumer, SnapshotManifest manifest, String problem,
                                    ReplayState state) {
        if (problem == null) {
            return load(consumer, manifest, state);
        }
        LOG.warnf("Ignoring snapshot %s at offset %d of %s: %s", manifest.snapshotId(), manifest.firstOffset(), partition.topic(),
                problem);
        return Optional.empty();
    }

    private Optional<SnapshotManifest> manifest(byte[] value, long offset) {
        try {
            return Optional.of(json.readValue(value, SnapshotManifest.class));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Ignoring a damaged snapshot manifest at offset %d of %s: %s", offset, partition.topic(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Why a snapshot cannot be restored into this topic's state, known from its manifest alone, or null. */
    private static String problem(SnapshotManifest manifest, Map<Integer, Long> beginning, Map<Integer, Long> end) {
        if (manifest.formatVersion() != SnapshotFormat.VERSION) {
            return "format version " + manifest.formatVersion() + ", this release reads " + SnapshotFormat.VERSION;
        }
        var positions = positions(manifest);
        if (!positions.keySet().equals(end.keySet())) {
            return "taken of partitions " + positions.keySet() + ", the topic has " + end.keySet();
        }
        for (var position : positions.entrySet()) {
            long at = position.getValue();
            if (at < beginning.get(position.getKey()) || at > end.get(position.getKey())) {
                return "position " + at + " of partition " + position.getKey() + " is not on the topic (offsets "
                        + beginning.get(position.getKey()) + " to " + end.get(position.getKey()) + ")";
            }
        }
        return null;
    }

    private static String missingChunk(SnapshotManifest manifest, Set<Integer> chunks) {
        for (int index = 0; index < manifest.chunks(); index++) {
            if (!chunks.contains(index)) {
                return "partial, chunk " + index + " of " + manifest.chunks() + " is missing";
            }
        }
        return null;
    }

    private static Map<Integer, Long> positions(SnapshotManifest manifest) {
        var positions = new TreeMap<Integer, Long>();
        manifest.positions().forEach((partition, offset) -> positions.put(Integer.valueOf(partition), offset));
        return positions;
    }

    /**
     * Reads a snapshot's chunks and restores them into {@code state} as they arrive, in three stages
     * on three threads that overlap: this one fetches and hashes the chunks, one decompresses them,
     * one decodes the body (with two helpers of its own, see {@link SnapshotFormat#read}). Decoding
     * begins before the whole SHA-256 is known, so a snapshot found damaged, partial or not reading
     * back to its digest leaves {@code state} cleared.
     */
    private Optional<Restored> load(KafkaConsumer<String, byte[]> consumer, SnapshotManifest manifest, ReplayState state) {
        var compressed = new Pipe();
        var decompressed = new Pipe();
        var positions = positions(manifest);
        var pending = new ArrayList<PendingFollowUps.Entry>();
        var stages = Executors.newFixedThreadPool(2, runnable -> new Thread(runnable, "ledger-snapshot-restore"));
        String problem = null;
        try {
            var decompressing = stages.submit(() -> {
                decompress(compressed, decompressed);
                return null;
            });
            var decoding = stages.submit(() -> {
                try (decompressed) {
                    // One batch, so that a digest asked for meanwhile waits instead of reading half a state.
                    state.writeBatch(() -> {
                        try {
                            pending.addAll(SnapshotFormat.read(decompressed, state, manifest.counts()));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        positions.forEach(state::advance);
                    });
                }
                return null;
            });
            try {
                problem = fetch(consumer, manifest, compressed);
            } finally {
                compressed.finish(problem == null);
            }
            problem = awaitStage(decompressing, problem);
            problem = awaitStage(decoding, problem);
            if (problem == null) {
                var digest = state.digestNow().digest();
                if (!digest.equals(manifest.digest())) {
                    problem = "restored accounts have digest " + digest + ", the manifest says " + manifest.digest();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while restoring";
        } catch (RuntimeException e) {
            problem = "reading it failed (" + e.getMessage() + ")";
        } finally {
            stages.shutdownNow();
        }
        if (problem != null) {
            state.clear();
            LOG.warnf("Ignoring snapshot %s of %s: %s", manifest.snapshotId(), partition.topic(), problem);
            return Optional.empty();
        }
        newest = new Newest(new SnapshotInfo(positions, manifest.accounts(), manifest.digest(), manifest.bytes(),
                Instant.parse(manifest.takenAt()), "restored"), manifest.firstOffset());
        LOG.infof("Restored snapshot %s taken at %s: %d accounts, positions %s", manifest.snapshotId(), manifest.takenAt(),
                manifest.accounts(), positions);
        return Optional.of(new Restored(positions, pending));
    }

    /**
     * Hands the snapshot's chunks to {@code out} in their order, hashing them.
     *
     * @return why the chunks cannot be restored, or null; null too when the next stage gave up, which says why itself
     */
    private String fetch(KafkaConsumer<String, byte[]> consumer, SnapshotManifest manifest, Pipe out) throws InterruptedException {
        var sha256 = sha256();
        // Chunks come in their order unless two writers' snapshots interleaved: a later one waits here for its turn.
        var early = new HashMap<Integer, byte[]>();
        int next = 0;
        consumer.seek(partition, manifest.firstOffset());
        long endOffset = consumer.endOffsets(List.of(partition)).get(partition);
        while (next < manifest.chunks() && consumer.position(partition) < endOffset) {
            for (var record : consumer.poll(POLL)) {
                var key = Key.parse(record.key());
                if (key != null && !key.manifest() && key.snapshotId().equals(manifest.snapshotId()) && key.index() >= next
                        && key.index() < manifest.chunks()) {
                    early.putIfAbsent(key.index(), record.value());
                    for (byte[] body; (body = early.remove(next)) != null; next++) {
                        sha256.update(body);
                        if (!out.put(body)) {
                            return null;
                        }
                    }
                }
            }
        }
        if (next < manifest.chunks()) {
            return "partial, chunk " + next + " of " + manifest.chunks() + " is missing";
        }
        return HEX.formatHex(sha256.digest()).equals(manifest.sha256()) ? null : "damaged, its chunks do not match the manifest's SHA-256";
    }

    private static void decompress(Pipe compressed, Pipe decompressed) throws IOException, InterruptedException {
        boolean complete = false;
        try (var in = new LZ4FrameInputStream(compressed, LZ4Factory.safeInstance().safeDecompressor(),
                XXHashFactory.safeInstance().hash32())) {
            for (int read = -1; read != 0; ) {
                var block = new byte[DECOMPRESSED_BLOCK];
                read = in.readNBytes(block, 0, block.length);
                if (read > 0 && !decompressed.put(read == block.length ? block : Arrays.copyOf(block, read))) {
                    return;
                }
            }
            complete = true;
        } finally {
            decompressed.finish(complete);
        }
    }

    /** The first problem: {@code problem} if there was one already, else the stage's failure, if any. */
    private static String awaitStage(Future<?> stage, String problem) throws InterruptedException {
        try {
            stage.get();
            return problem;
        } catch (ExecutionException e) {
            var cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
            return problem != null ? problem : "it does not read back (" + cause.getMessage() + ")";
        }
    }

    /**
     * Blocks handed from one restoring stage to the next, which reads them as one stream. Bounded, so
     * that a stage ahead waits instead of holding the snapshot in memory; the reader closing it
     * (done, or failed) releases a writer waiting to put.
     */
    private static final class Pipe extends InputStream {
        private static final byte[] END = new byte[0];
        private static final byte[] FAILED = new byte[0];
        private final BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(PIPE_BLOCKS);
        private volatile boolean abandoned;
        private byte[] current = new byte[0];
        private int at;

        /** @return false once the reader has stopped reading: the writer stops too */
        boolean put(byte[] block) throws InterruptedException {
            while (!abandoned) {
                if (blocks.offer(block, POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        }

        /** The writer's last word: whether it put everything. */
        void finish(boolean complete) throws InterruptedException {
            put(complete ? END : FAILED);
        }

        private boolean fill() throws IOException {
            while (at == current.length) {
                if (current == END) {
                    return false;
                }
                if (current == FAILED) {
                    throw new IOException("the stage before stopped");
                }
                try {
                    current = blocks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while restoring a snapshot");
                }
                at = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, current.length - at);
            System.arraycopy(current, at, target, offset, n);
            at += n;
            return n;
        }

        @Override
        public void close() {
            abandoned = true;
            blocks.clear();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes the state at {@code cut} on the snapshot thread and ends the cut once read; returns at
     * once. The caller checked {@link #busy()} and began the cut.
     */
    void writeInBackground(ReplayState state, ReplayState.Cut cut, List<PendingFollowUps.Entry> pending) {
        writing.set(true);
        writer.execute(() -> {
            try {
                write(state, cut, pending);
            } catch (Exception e) {
                notBefore = System.nanoTime() + AFTER_FAILURE.toNanos();
                LOG.errorf(e, "Writing a snapshot to %s failed; the next one is tried in %s", partition.topic(), AFTER_FAILURE);
            } finally {
                writing.set(false);
            }
        });
    }

    private void write(ReplayState state, ReplayState.Cut cut, List<PendingFollowUps.Entry> pending) throws Exception {
        var snapshotId = UUID.randomUUID().toString();
        var chunks = new Chunks(snapshotId, new Pace(cpuShare));
        SnapshotFormat.Counts counts;
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
            }
            try (var out = new DataOutputStream(new Buffer(new LZ4FrameOutputStream(chunks,
                    LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L, LZ4Factory.safeInstance().fastCompressor(),
                    XXHashFactory.safeInstance().hash32(), LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE)))) {
                counts = SnapshotFormat.write(state, cut, pending, out);
            }
        } finally {
            state.endCut();
        }
        var acknowledged = new ArrayList<RecordMetadata>();
        for (var sent : chunks.sent) {
            acknowledged.add(sent.get(BROKER.toSeconds(), TimeUnit.SECONDS));
        }
        long firstOffset = acknowledged.isEmpty() ? -1 : acknowledged.get(0).offset();
        var positions = new TreeMap<String, Long>();
        cut.positions.forEach((partition, offset) -> positions.put(Integer.toString(partition), offset));
        var manifest = new SnapshotManifest(SnapshotFormat.VERSION, snapshotId, positions, counts.accounts(), counts.transfers(),
                counts.commands(), counts.followUps(), counts.pending(), counts.digest(), chunks.bytes, chunks.sent.size(),
                HEX.formatHex(chunks.sha256.digest()), firstOffset, cut.takenAt.toString());
        producer.send(new ProducerRecord<>(partition.topic(), 0, snapshotId + "/" + MANIFEST, json.writeValueAsBytes(manifest)))
                .get(BROKER.toSeconds(), TimeUnit.SECONDS);
        var previous = newest;
        newest = new Newest(new SnapshotInfo(cut.positions, counts.accounts(), counts.digest(), chunks.bytes,
                cut.takenAt, "written"), firstOffset);
        LOG.infof("Wrote snapshot %s: %d accounts, %d bytes in %d chunks, positions %s", snapshotId, counts.accounts(),
                chunks.bytes, chunks.sent.size(), cut.positions);
        if (previous != null && previous.firstOffset() > 0) {
            deleteBefore(previous.firstOffset());
        }
    }

    /** Cleanup only: a failure leaves older snapshots on the topic, and the next snapshot tries again. */
    private void deleteBefore(long offset) {
        try (var admin = Admin.create(select(AdminClientConfig.configNames()))) {
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(offset))).all().get(BROKER.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Deleting snapshots before offset %d of %s failed: %s", offset, partition.topic(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The body's buffer in front of the compressor. A snapshot is tens of millions of small writes
     * (a byte, a long, a short string), and {@link java.io.BufferedOutputStream} takes a lock on each;
     * this one is written by the snapshot thread alone and takes none.
     */
    private static final class Buffer extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private int filled;

        Buffer(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == buffer.length) {
                flushBuffer();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            if (length > buffer.length - filled) {
                flushBuffer();
                if (length > buffer.length) {
                    out.write(source, offset, length);
                    return;
                }
            }
            System.arraycopy(source, offset, buffer, filled, length);
            filled += length;
        }

        private void flushBuffer() throws IOException {
            out.write(buffer, 0, filled);
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            flushBuffer();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try (out) {
                flushBuffer();
            }
        }
    }

    /** The compressed body, sent as it fills chunk after chunk, and hashed as sent. */
    private final class Chunks extends OutputStream {
        final String snapshotId;
        final MessageDigest sha256 = sha256();
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        final byte[] buffer = new byte[CHUNK_BYTES];
        final Pace pace;
        int filled;
        long bytes;

        Chunks(String snapshotId, Pace pace) {
            this.snapshotId = snapshotId;
            this.pace = pace;
        }

        @Override
        public void write(int b) {
            buffer[filled++] = (byte) b;
            if (filled == buffer.length) {
                send();
            }
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            while (length > 0) {
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(source, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
                if (filled == buffer.length) {
                    send();
                }
            }
        }

        @Override
        public void close() {
            if (filled > 0) {
                send();
            }
        }

        private void send() {
            var chunk = Arrays.copyOf(buffer, filled);
            sha256.update(chunk);
            bytes += chunk.length;
            sent.add(producer.send(new ProducerRecord<>(partition.topic(), 0, snapshotId + "/" + sent.size(), chunk)));
            filled = 0;
            pace.keep();
        }
    }

    /**
     * Keeps the writing thread to a share of one core ({@code LEDGER_SNAPSHOT_CPU_SHARE}): after each
     * chunk it sleeps until its CPU time since the start is at most that share of the time passed.
     * Serialising and compressing the state is a core's work for seconds, and on a machine whose
     * cores the replay's fetching and applying threads already fill, applying would slow by as much
     * (BENCHMARKS.md: 43 % with no pause); the snapshot takes longer instead.
     */
    private static final class Pace {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final double share;
        private final long startCpu = THREADS.getCurrentThreadCpuTime();
        private final long startWall = System.nanoTime();

        Pace(double share) {
            this.share = share;
        }

        void keep() {
            if (share >= 1) {
                return;
            }
            long due = (long) ((THREADS.getCurrentThreadCpuTime() - startCpu) / share) - (System.nanoTime() - startWall);
            if (due > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(due).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A record key on the snapshot topic: {@code <snapshotId>/<index>} or {@code <snapshotId>/manifest}. */
    private record Key(String snapshotId, int index) {
        boolean manifest() {
            return index < 0;
        }

        static Key parse(String key) {
            int slash = key == null ? -1 : key.lastIndexOf('/');
            if (slash <= 0) {
                return null;
            }
            var suffix = key.substring(slash + 1);
            if (suffix.equals(MANIFEST)) {
                return new Key(key.substring(0, slash), -1);
            }
            try {
                return new Key(key.substring(0, slash), Integer.parseInt(suffix));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private Map<String, Object> consumerConfig() {
        var config = select(ConsumerConfig.configNames());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A fetch of the default 1 MiB brings two chunks a round trip; a poll of the default 500 records could hold a
        // whole snapshot.
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchBytes);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, fetchBytes / CHUNK_BYTES));
        return config;
    }

    private Map<String, Object> producerConfig() {
        var config = select(ProducerConfig.configNames());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // The body is compressed already.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return config;
    }

    private Map<String, Object> select(Set<String> names) {
        var config = new HashMap<>(clientConfig);
        config.keySet().retainAll(names);
        return config;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        writer.shutdown();
        writer.awaitTermination(30, TimeUnit.SECONDS);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
