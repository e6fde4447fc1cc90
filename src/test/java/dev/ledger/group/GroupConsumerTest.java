package dev.ledger.group;

import static dev.ledger.TopicProbe.event;
import static dev.ledger.TopicProbe.positionsSum;
import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.open;
import static dev.ledger.LedgerClient.openWith;
import static dev.ledger.LedgerClient.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.LedgerClient;
import dev.ledger.PostgresResource;
import dev.ledger.TopicProbe;
import dev.ledger.command.Outcomes;
import dev.ledger.pipeline.ConsumerMetrics;
import dev.ledger.pipeline.DeadLetters;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.EventPublisher;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.RecordPipeline;
import dev.ledger.pipeline.RecordTracing;
import dev.ledger.pipeline.StalledPartitions;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.LedgerQueries;
import dev.ledger.pipeline.LingerBypass;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(GroupConsumerTest.WithAnUnreachableBroker.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupConsumerTest {

    /** Group mode, with a second channel to the topic's name on a port where no broker listens. */
    public static class WithAnUnreachableBroker extends GroupMode {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = new java.util.HashMap<>(super.getConfigOverrides());
            var channel = "mp.messaging.outgoing.ledger-unreachable.";
            overrides.put(channel + "connector", "smallrye-kafka");
            overrides.put(channel + "topic", "ledger-events");
            overrides.put(channel + "bootstrap.servers", "127.0.0.1:9");
            overrides.put(channel + "value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
            overrides.put(channel + "key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            overrides.put(channel + "max.block.ms", "500");
            overrides.put(channel + "delivery.timeout.ms", "1000");
            overrides.put(channel + "request.timeout.ms", "500");
            // One consumer in the instance under test, next to which each test starts its own.
            overrides.put("ledger.group.consumers", "1");
            return overrides;
        }
    }

    @Inject
    EventTopic topic;
    @Inject
    LedgerConfig config;
    @Inject
    EventCodec codec;
    @Inject
    RecordPipeline pipeline;
    @Inject
    StalledPartitions stalled;
    @Inject
    PgBatchStore store;
    @Inject
    EventPublisher publisher;
    @Inject
    DeadLetters deadLetters;
    @Inject
    ConsumerMetrics metrics;
    @Inject
    MeterRegistry registry;
    @Inject
    LedgerQueries queries;
    @Inject
    dev.ledger.group.GroupMode mode;
    /** The instance's one consumer. */
    GroupConsumer running;
    @Inject
    RecordTracing tracing;
    /** Writes to a broker that is not there: every follow-up it publishes fails, as an owner's that died would. */
    @Inject
    @Channel("ledger-unreachable")
    MutinyEmitter<byte[]> unreachableBroker;
    @Inject
    LingerBypass lingerBypass;
    @Inject
    KafkaClientService clients;

    @BeforeEach
    void findTheRunningConsumer() {
        running = mode.consumers().get(0);
    }

    private GroupConsumer anotherConsumer() {
        return new GroupConsumer(topic, config, pipeline, codec, store, new Outcomes(), publisher, new FollowUpsInFlight(config), deadLetters,
                metrics, stalled, tracing);
    }

    /**
     * Waits for two polls that found {@code consumer} at the end of its partitions: the second began
     * after this call, so the consumer has read, and applied or skipped, every record written before it.
     */
    private static void awaitReadToTheEnd(GroupConsumer consumer) {
        long before = consumer.pollsAtTheEnd();
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.pollsAtTheEnd() >= before + 2);
    }

    private double eventsApplied() {
        return registry.find("ledger.events.applied").counters().stream().mapToDouble(counter -> counter.count()).sum();
    }

    private long appliedPositions() {
        return positionsSum(queries.digest().await().indefinitely());
    }

    @Test
    void twoConsumersOfTheGroupSplitThePartitionsAndApplyEveryEventOnce() throws Exception {
        var second = anotherConsumer();
        second.start(config.group().consumerGroup());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !second.applyingPartitions().isEmpty()
                    && !running.applyingPartitions().isEmpty()
                    && second.applyingPartitions().size() + running.applyingPartitions().size() == 6);
            var both = new HashSet<>(second.applyingPartitions());
            both.retainAll(running.applyingPartitions());
            assertThat(both).as("partitions applied by both").isEmpty();

            var prefix = "split-" + UUID.randomUUID();
            var records = new ArrayList<ProducerRecord<String, byte[]>>();
            IntStream.rangeClosed(1, 1_000).forEach(i -> {
                var id = prefix + "-" + i;
                records.add(TopicProbe.record(id, codec.encode(event(id, new Payload.AccountOpenRequested("Split", "EUR")))));
                records.add(TopicProbe.record(id, codec.encode(event(id, new Payload.DepositRequested(i, null)))));
            });
            TopicProbe.write(records);
            long total = TopicProbe.recordCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> appliedPositions() == total);

            List<Map<String, Object>> page = given().queryParam("after", prefix).queryParam("limit", 1_000).get("/accounts")
                    .then().statusCode(200).extract().jsonPath().getList("items");
            var split = page.stream().filter(account -> ((String) account.get("accountId")).startsWith(prefix)).toList();
            assertThat(split).hasSize(1_000);
            assertThat(split).allSatisfy(account -> assertThat(account.get("version")).isEqualTo(2));
            assertThat(split.stream().mapToLong(account -> ((Number) account.get("balance")).longValue()).sum())
                    .isEqualTo(1_000L * 1_001 / 2);
        } finally {
            second.stop();
        }
    }

    /** Kafka's committed offsets only feed lag monitoring, once a second: they still reach every record applied, idle or not. */
    @Test
    void theAppliedOffsetsReachKafkaForLagMonitoring() throws Exception {
        var id = openWith(100, "EUR");
        deposit(id, 5).statusCode(200);
        long total = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> appliedPositions() == total);
        await().atMost(Duration.ofSeconds(10)).until(() -> committedToKafka() == total);
    }

    private long committedToKafka() throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(config.group().consumerGroup()).partitionsToOffsetAndMetadata().get().entrySet()
                    .stream().filter(committed -> committed.getKey().topic().equals(config.topic()))
                    .mapToLong(committed -> committed.getValue().offset()).sum();
        }
    }

    /**
     * Read-your-writes across instances: requests taken here and applied by another instance of the
     * group (a second consumer with outcomes of its own) are answered with their outcome, woken by
     * the ids the applying transaction notifies, not by their timeout.
     */
    @Test
    void mutationsAppliedByAnotherInstanceAreAnsweredWithTheirOutcome() throws Exception {
        var second = anotherConsumer();
        second.start(config.group().consumerGroup());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !second.applyingPartitions().isEmpty()
                    && second.applyingPartitions().size() + running.applyingPartitions().size() == 6);
            var elsewhere = new ArrayList<String>();
            while (elsewhere.size() < 2) {
                var id = LedgerClient.newId("elsewhere");
                open(id, "Ada", "EUR").statusCode(201).body("accountId", equalTo(id)).body("balance", equalTo(0));
                if (second.applyingPartitions().contains(StalledPartitions.partitionOf(id, 6))) {
                    elsewhere.add(id);
                }
            }

            deposit(elsewhere.get(0), 500).statusCode(200).body("balance", equalTo(500)).body("version", equalTo(2));
            transfer(elsewhere.get(0), elsewhere.get(1), 200).statusCode(201).body("status", equalTo("COMPLETED"));
            account(elsewhere.get(1)).statusCode(200).body("balance", equalTo(200));
        } finally {
            second.stop();
        }
    }

    /**
     * The crash window between the applying transaction and the Kafka commit: a consumer group that
     * never committed anything reads the same partitions, and must resume where the database says.
     */
    @Test
    void aConsumerWithNoKafkaCommitsResumesFromTheDatabaseWithoutRepeatingAnEvent() throws Exception {
        var id = openWith(100, "EUR");
        long total = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> appliedPositions() == total);
        var before = queries.digest().await().indefinitely();
        double appliedBefore = eventsApplied();

        var neverCommitted = anotherConsumer();
        neverCommitted.start("never-committed-" + UUID.randomUUID());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> neverCommitted.applyingPartitions().size() == 6);
            awaitReadToTheEnd(neverCommitted);
            assertThat(queries.digest().await().indefinitely().digest()).isEqualTo(before.digest());
            assertThat(eventsApplied()).isEqualTo(appliedBefore);

            // Both groups now race for every new event; the offsets recorded with the state let one win.
            deposit(id, 5).statusCode(200).body("balance", equalTo(105)).body("version", equalTo(3));
            await().atMost(Duration.ofSeconds(10)).until(() -> appliedPositions() == TopicProbe.recordCount());
            awaitReadToTheEnd(neverCommitted);
            awaitReadToTheEnd(running);
            account(id).body("balance", equalTo(105)).body("version", equalTo(3));
        } finally {
            neverCommitted.stop();
        }
    }

    /**
     * A rebalance while the database is away: the partitions cannot be positioned at their recorded
     * offsets yet, so they wait, paused, and are positioned (and their outbox published) once it is
     * back; none is left out of what the instance applies.
     */
    @Test
    void partitionsAssignedWhileTheDatabaseIsAwayAreAppliedOnceItIsBack() throws Exception {
        var id = openWith(100, "EUR");
        var database = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        var name = database.substring(database.lastIndexOf('/') + 1);
        var server = database.substring(0, database.lastIndexOf('/') + 1) + "postgres";
        var second = anotherConsumer();
        try (var admin = DriverManager.getConnection(server, "postgres", "postgres");
                var statement = admin.createStatement()) {
            statement.execute("alter database " + name + " allow_connections false");
            statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + name + "'");
            second.start(config.group().consumerGroup());
            await().atMost(Duration.ofSeconds(30)).until(() -> membersWithPartitions() == 2);
            statement.execute("alter database " + name + " allow_connections true");
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> second.applyingPartitions().size()
                    + running.applyingPartitions().size() == 6 && !second.applyingPartitions().isEmpty());
            // Sent again with its key until it is answered: the database's pool may still be reconnecting.
            var key = UUID.randomUUID().toString();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().contentType(ContentType.JSON)
                    .header("Idempotency-Key", key).body(Map.of("amount", 5)).post("/accounts/" + id + "/deposits")
                    .then().statusCode(200).body("balance", equalTo(105)));
        } finally {
            second.stop();
        }
    }

    private long membersWithPartitions() throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.bootstrapServers()))) {
            var group = config.group().consumerGroup();
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
        }
    }

    /**
     * An owner that dies between committing a debit and publishing its credit: here its follow-ups
     * go to a broker that is not there, so the credit never arrives, and the owner stops. The next owner finds the credit in the outbox and publishes it.
     */
    @Test
    void aTransferLeftPendingByAnOwnerThatDiedIsCompletedByTheNextOwner() throws Exception {
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        running.stop();
        var unreachable = new EventPublisher(unreachableBroker, codec, lingerBypass, () -> clients.getProducer("ledger-unreachable"),
                config.topic());
        var failedToPublish = new CopyOnWriteArrayList<LedgerEvent>();
        var watchedInFlight = new FollowUpsInFlight(config) {
            @Override
            void settled(Collection<LedgerEvent> followUps, Set<String> leftTheOutbox) {
                super.settled(followUps, leftTheOutbox);
                failedToPublish.addAll(followUps);
            }
        };
        var lossy = new GroupConsumer(topic, config, pipeline, codec, store, new Outcomes(), unreachable, watchedInFlight,
                deadLetters, metrics, stalled, tracing);
        lossy.start(config.group().consumerGroup());
        String transferId;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> lossy.applyingPartitions().size() == 6);
            transferId = given().contentType(ContentType.JSON).body(Map.of("from", from, "to", to, "amount", 30))
                    .post("/transfers").then().statusCode(202).body("status", equalTo("PENDING"))
                    .extract().path("transferId");
            account(from).body("balance", equalTo(70));
            // The credit's publication has ended (the broker is not there) before the transfer is read.
            await().atMost(Duration.ofSeconds(30)).until(() -> failedToPublish.stream()
                    .anyMatch(followUp -> followUp.payload() instanceof Payload.TransferCreditRequested credit
                            && credit.transferId().equals(transferId)));
            given().get("/transfers/" + transferId).then().body("status", equalTo("PENDING"));
        } finally {
            lossy.stop();
        }
        running.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/transfers/" + transferId).then().body("status", equalTo("COMPLETED")));
        account(to).body("balance", equalTo(30));
        account(from).body("balance", equalTo(70));
    }
}
