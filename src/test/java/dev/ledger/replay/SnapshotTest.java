package dev.ledger.replay;

import static dev.ledger.TopicProbe.event;
import static dev.ledger.TopicProbe.positionsSum;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.LedgerClient;
import dev.ledger.TopicProbe;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.ConsumerMetrics;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.LedgerQueries;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Snapshots against a real broker: the running instance writes them every 50 events; a fresh
 * replay consumer restores one and replays only the tail, or, given a damaged, partial or
 * incompatible one, replays the whole topic (or restores the valid one before it). Each fresh
 * consumer reads a snapshot topic of its own, holding copies the test made, and writes none.
 */
@QuarkusTest
@TestProfile(SnapshotTest.FrequentSnapshots.class)
@WithTestResource(KafkaBrokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotTest {

    public static class FrequentSnapshots implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledger.snapshot-interval", "50");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ReplayConsumers consumers;
    @Inject
    EventTopic topic;
    @Inject
    LedgerConfig config;
    @Inject
    EventCodec codec;
    @Inject
    ConsumerMetrics metrics;
    @Inject
    LedgerQueries running;

    @Test
    @Order(1)
    void theSnapshotTopicIsCreatedAtStartWithOnePartitionKeptUntilDeleted() {
        var topic = TopicProbe.describe(config.snapshotTopic());
        assertThat(topic.partitions()).isEqualTo(1);
        assertThat(topic.settings()).containsEntry("retention.ms", "-1").containsEntry("retention.bytes", "-1")
                .containsEntry("cleanup.policy", "delete");
    }

    @Test
    @Order(1)
    void theSnapshotEndpointAnswers404UntilTheInstanceWroteOneThen200() {
        given().get("/admin/snapshot").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:snapshot-not-found"));
        given().get("/q/metrics").then().body(containsString("ledger_snapshot_age_seconds NaN"));

        writeAccounts(40);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/admin/snapshot").then().statusCode(200)
                .body("source", equalTo("written")));
        var body = given().get("/admin/snapshot").then().extract().jsonPath();
        var positions = body.getMap("positions", String.class, Long.class);
        assertThat(positions.values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(50);
        // The cut falls between two batches, wherever the polls split the 80 records: it holds the
        // accounts opened before its positions.
        assertThat(body.getLong("accounts")).isEqualTo(openedBefore(positions)).isPositive();
        assertThat(body.getString("digest")).matches("[0-9a-f]{64}");
        assertThat(body.getLong("bytes")).isPositive();
        assertThat(Instant.parse(body.getString("takenAt"))).isBefore(Instant.now());
        given().get("/q/metrics").then().body(matchesPattern("(?s).*\nledger_snapshot_age_seconds [0-9.E]+\n.*"));
    }

    @Test
    @Order(2)
    void aRestoredSnapshotPlusItsTailReachesTheDigestOfTheFullReplay() throws Exception {
        // Enough accounts for a snapshot of several chunks.
        writeAccounts(6_000);
        // Bursts of transfers until a snapshot is cut while some of their credits are decided but
        // not yet on the topic: transfers in flight and follow-ups pending at the cut.
        var copy = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            // The newest: an older one's chunks are deleted once two newer snapshots are written, which an instance
            // still applying earlier bursts may write before its chunks are read: then another is waited for.
            var found = manifests().stream().filter(manifest -> manifest.pendingFollowUps() > 0)
                    .max(Comparator.comparingLong(SnapshotManifest::firstOffset));
            var chunks = found.map(this::chunks).orElse(List.of());
            if (found.isPresent() && chunks.size() == found.get().chunks()) {
                return Optional.of(copy(found.get(), chunks, "snapshots-restored", UnaryOperator.identity(), UnaryOperator.identity()));
            }
            writeTransfers(30);
            return Optional.<SnapshotManifest>empty();
        }, Optional::isPresent).orElseThrow();
        assertThat(copy.chunks()).as("chunks").isGreaterThan(1);

        var fresh = freshConsumer("snapshots-restored");
        try {
            var restored = fresh.consumer.snapshot().orElseThrow();
            assertThat(restored.source()).isEqualTo("restored");
            assertThat(restored.digest()).isEqualTo(copy.digest());
            assertThat(restored.positions()).isEqualTo(positions(copy));
            assertFreshReachesTheRunningDigest(fresh);
        } finally {
            fresh.consumer.stop();
        }
    }

    @Test
    @Order(3)
    void aDamagedChunkIsIgnoredAndTheWholeTopicReplayed() throws Exception {
        copy(newestManifest(), "snapshots-damaged", SnapshotTest::flipAByte, UnaryOperator.identity());
        replaysInFull("snapshots-damaged");
    }

    @Test
    @Order(3)
    void anOlderFormatIsIgnoredAndTheWholeTopicReplayed() throws Exception {
        copy(newestManifest(), "snapshots-old-format", UnaryOperator.identity(), manifest -> new SnapshotManifest(
                SnapshotFormat.VERSION - 1, manifest.snapshotId(), manifest.positions(), manifest.accounts(), manifest.transfers(),
                manifest.commands(), manifest.appliedFollowUps(), manifest.pendingFollowUps(), manifest.digest(), manifest.bytes(),
                manifest.chunks(), manifest.sha256(), manifest.firstOffset(), manifest.takenAt()));
        replaysInFull("snapshots-old-format");
    }

    @Test
    @Order(3)
    void aSnapshotMissingAChunkIsIgnoredAndTheWholeTopicReplayed() throws Exception {
        copy(newestManifest(), "snapshots-partial", UnaryOperator.identity(), manifest -> new SnapshotManifest(
                manifest.formatVersion(), manifest.snapshotId(), manifest.positions(), manifest.accounts(), manifest.transfers(),
                manifest.commands(), manifest.appliedFollowUps(), manifest.pendingFollowUps(), manifest.digest(), manifest.bytes(),
                manifest.chunks() + 1, manifest.sha256(), manifest.firstOffset(), manifest.takenAt()));
        replaysInFull("snapshots-partial");
    }

    @Test
    @Order(3)
    void aDamagedNewestSnapshotFallsBackToTheValidOneBeforeIt() throws Exception {
        var newest = newestManifest();
        var valid = copy(newest, "snapshots-fallback", UnaryOperator.identity(), UnaryOperator.identity());
        copy(newest, "snapshots-fallback", SnapshotTest::flipAByte, UnaryOperator.identity());

        restoresAndReachesTheRunningDigest("snapshots-fallback", valid);
    }

    @Test
    @Order(3)
    void aSnapshotLeftWithoutItsManifestIsIgnoredAndTheOneBeforeItRestored() throws Exception {
        var newest = newestManifest();
        var valid = copy(newest, "snapshots-unfinished", UnaryOperator.identity(), UnaryOperator.identity());
        // A writer that stopped after the first chunk of its next snapshot: the topic no longer ends in a manifest.
        var firstChunk = TopicProbe.readAll(config.snapshotTopic()).stream()
                .filter(record -> record.key().equals(newest.snapshotId() + "/0")).findFirst().orElseThrow();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TopicProbe.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("snapshots-unfinished", 0, UUID.randomUUID() + "/0", firstChunk.value())).get();
        }

        restoresAndReachesTheRunningDigest("snapshots-unfinished", valid);
    }

    @Test
    @Order(4)
    void aRestoredInstanceAnswersARetryOfAnOldCommandAsTheRunningOneAndForgetsItWhenItExpires() throws Exception {
        var account = LedgerClient.newId("snap-retry");
        var deposit = new LedgerEvent(UUID.randomUUID().toString(), account, UUID.randomUUID().toString(), Instant.now(),
                UUID.randomUUID().toString(), "0123456789abcdef".repeat(4), new Payload.DepositRequested(25, null));
        TopicProbe.write(List.of(record(event(account, new Payload.AccountOpenRequested("Ada", "EUR"))), record(deposit)));
        // Enough events after them for the running instance to write a snapshot that holds both.
        writeAccounts(30);
        long written = TopicProbe.recordCount();
        var holding = await().atMost(Duration.ofSeconds(60)).until(this::newestManifest,
                manifest -> positions(manifest).values().stream().mapToLong(Long::longValue).sum() >= written);
        copy(holding, "snapshots-retry", UnaryOperator.identity(), UnaryOperator.identity());

        var fresh = freshConsumer("snapshots-retry");
        try {
            var first = running.findCommand(deposit.commandId()).await().indefinitely();
            assertThat(first).isPresent();
            assertThat(fresh.state().command(deposit.commandId())).isEqualTo(first);
            assertThat(fresh.state().findByIdempotencyKey(deposit.idempotencyKey()).await().indefinitely()).isEqualTo(first);

            // Retried within the retention: a duplicate, for the restored instance as for the running one.
            TopicProbe.write(List.of(record(retry(deposit, Instant.now()))));
            assertFreshReachesTheRunningDigest(fresh);
            assertThat(fresh.state().account(account).orElseThrow().balance()).isEqualTo(25);

            // Eight days later on its partition, the retention has dropped its result in both.
            var later = Instant.now().plus(Duration.ofDays(8));
            TopicProbe.write(List.of(record(new LedgerEvent(UUID.randomUUID().toString(), account, UUID.randomUUID().toString(), later,
                    null, null, new Payload.DepositRequested(1, null)))));
            assertFreshReachesTheRunningDigest(fresh);
            assertThat(running.findCommand(deposit.commandId()).await().indefinitely()).isEmpty();
            assertThat(fresh.state().command(deposit.commandId())).isEmpty();
            assertThat(fresh.state().findByIdempotencyKey(deposit.idempotencyKey()).await().indefinitely()).isEmpty();

            // So a retry now is a new command, applied again by both.
            TopicProbe.write(List.of(record(retry(deposit, later))));
            assertFreshReachesTheRunningDigest(fresh);
            assertThat(fresh.state().account(account).orElseThrow().balance()).isEqualTo(51);
            assertThat(fresh.state().command(deposit.commandId())).isEqualTo(running.findCommand(deposit.commandId()).await().indefinitely());
        } finally {
            fresh.consumer.stop();
        }
    }

    /** The same command sent again: a new event, the same command id, key and request. */
    private static LedgerEvent retry(LedgerEvent command, Instant at) {
        return new LedgerEvent(UUID.randomUUID().toString(), command.accountId(), command.commandId(), at, command.idempotencyKey(),
                command.requestHash(), command.payload());
    }

    private void restoresAndReachesTheRunningDigest(String snapshotTopic, SnapshotManifest expected) throws InterruptedException {
        var fresh = freshConsumer(snapshotTopic);
        try {
            var restored = fresh.consumer.snapshot().orElseThrow();
            assertThat(restored.source()).isEqualTo("restored");
            assertThat(restored.positions()).isEqualTo(positions(expected));
            assertFreshReachesTheRunningDigest(fresh);
        } finally {
            fresh.consumer.stop();
        }
    }

    private void replaysInFull(String snapshotTopic) throws Exception {
        var fresh = freshConsumer(snapshotTopic);
        try {
            assertThat(fresh.consumer.snapshot()).isEmpty();
            assertFreshReachesTheRunningDigest(fresh);
        } finally {
            fresh.consumer.stop();
        }
    }

    private record Fresh(ReplayConsumer consumer, ReplayState state) {
    }

    /** A replay consumer of its own, caught up, restoring from {@code snapshotTopic} and writing no snapshot. */
    private Fresh freshConsumer(String snapshotTopic) {
        var state = new ReplayState(config);
        var consumer = consumers.create(new OtherSnapshots(config, snapshotTopic), state);
        consumer.start(config.topicPartitions());
        await().atMost(Duration.ofSeconds(60)).until(consumer::caughtUp);
        return new Fresh(consumer, state);
    }

    private void assertFreshReachesTheRunningDigest(Fresh fresh) {
        long records = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(60)).until(() -> positionsSum(running.digest().await().indefinitely()) == records
                && positionsSum(fresh.state().digest().await().indefinitely()) == records);
        var expected = running.digest().await().indefinitely();
        var actual = fresh.state().digest().await().indefinitely();
        assertThat(actual.positions()).isEqualTo(expected.positions());
        assertThat(actual.digest()).isEqualTo(expected.digest());
        assertThat(actual.totalBalance()).isEqualTo(expected.totalBalance());
    }

    // ---------------------------------------------------------------------------------------------
    // The snapshot topic

    private List<SnapshotManifest> manifests() throws IOException {
        var manifests = new ArrayList<SnapshotManifest>();
        for (var record : TopicProbe.readAll(config.snapshotTopic())) {
            if (record.key().endsWith("/manifest")) {
                manifests.add(JSON.readValue(record.value(), SnapshotManifest.class));
            }
        }
        return manifests;
    }

    private SnapshotManifest newestManifest() throws IOException {
        return manifests().stream().max(Comparator.comparingLong(SnapshotManifest::firstOffset)).orElseThrow();
    }

    /**
     * Copies a snapshot to {@code toTopic} under a new id, its first chunk and its manifest changed
     * as given, the manifest last.
     */
    private SnapshotManifest copy(SnapshotManifest manifest, String toTopic, UnaryOperator<byte[]> firstChunk,
                                  UnaryOperator<SnapshotManifest> edit) throws Exception {
        var chunks = chunks(manifest);
        assertThat(chunks).hasSize(manifest.chunks());
        return copy(manifest, chunks, toTopic, firstChunk, edit);
    }

    /** The snapshot's chunks still on the topic, in their order. */
    private List<ConsumerRecord<String, byte[]>> chunks(SnapshotManifest manifest) {
        var chunks = new ArrayList<ConsumerRecord<String, byte[]>>();
        for (var record : TopicProbe.readAll(config.snapshotTopic())) {
            if (record.key().startsWith(manifest.snapshotId() + "/") && !record.key().endsWith("/manifest")) {
                chunks.add(record);
            }
        }
        chunks.sort(Comparator.comparingInt(record -> Integer.parseInt(record.key().substring(record.key().indexOf('/') + 1))));
        return chunks;
    }

    private SnapshotManifest copy(SnapshotManifest manifest, List<ConsumerRecord<String, byte[]>> chunks, String toTopic,
                                  UnaryOperator<byte[]> firstChunk, UnaryOperator<SnapshotManifest> edit) throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains(toTopic)) {
                admin.createTopics(List.of(new NewTopic(toTopic, 1, (short) 1))).all().get();
            }
        }
        var id = UUID.randomUUID().toString();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TopicProbe.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            long firstOffset = -1;
            for (int index = 0; index < chunks.size(); index++) {
                var value = index == 0 ? firstChunk.apply(chunks.get(index).value().clone()) : chunks.get(index).value();
                long offset = producer.send(new ProducerRecord<>(toTopic, 0, id + "/" + index, value)).get().offset();
                firstOffset = index == 0 ? offset : firstOffset;
            }
            var copied = edit.apply(new SnapshotManifest(manifest.formatVersion(), id, manifest.positions(), manifest.accounts(),
                    manifest.transfers(), manifest.commands(), manifest.appliedFollowUps(), manifest.pendingFollowUps(),
                    manifest.digest(), manifest.bytes(), manifest.chunks(), manifest.sha256(), firstOffset, manifest.takenAt()));
            producer.send(new ProducerRecord<>(toTopic, 0, id + "/manifest", JSON.writeValueAsBytes(copied))).get();
            return copied;
        }
    }

    private static byte[] flipAByte(byte[] chunk) {
        chunk[chunk.length / 2] ^= 0x5a;
        return chunk;
    }

    private static Map<Integer, Long> positions(SnapshotManifest manifest) {
        var positions = new TreeMap<Integer, Long>();
        manifest.positions().forEach((partition, offset) -> positions.put(Integer.valueOf(partition), offset));
        return positions;
    }

    // ---------------------------------------------------------------------------------------------
    // Events

    private void writeAccounts(int count) {
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        for (int i = 0; i < count; i++) {
            var id = LedgerClient.newId("snap");
            records.add(record(event(id, new Payload.AccountOpenRequested("Ada", "EUR"))));
            records.add(record(event(id, new Payload.DepositRequested(100 + i, null))));
        }
        TopicProbe.write(records);
    }

    /** Each transfer's sender opened and funded in the same write, its receiver too. */
    private void writeTransfers(int count) {
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        for (int i = 0; i < count; i++) {
            var from = LedgerClient.newId("snap-from");
            var to = LedgerClient.newId("snap-to");
            records.add(record(event(from, new Payload.AccountOpenRequested("Ada", "EUR"))));
            records.add(record(event(to, new Payload.AccountOpenRequested("Bo", "EUR"))));
            records.add(record(event(from, new Payload.DepositRequested(100, null))));
            records.add(record(event(from, new Payload.TransferRequested(UUID.randomUUID().toString(), to, 40))));
        }
        TopicProbe.write(records);
    }

    /** The openings on the event topic before each partition's position. */
    private long openedBefore(Map<String, Long> positions) {
        return TopicProbe.readAll(TopicProbe.topic()).stream()
                .filter(record -> record.offset() < positions.getOrDefault(Integer.toString(record.partition()), 0L))
                .filter(record -> codec.decode(record.value()).payload() instanceof Payload.AccountOpenRequested)
                .count();
    }

    private ProducerRecord<String, byte[]> record(LedgerEvent event) {
        return TopicProbe.record(event.accountId(), codec.encode(event));
    }
}
