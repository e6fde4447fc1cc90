package dev.ledger.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.PostgresResource;
import dev.ledger.pipeline.StalledPartitions;
import dev.ledger.TopicProbe;

/**
 * Faults with real processes: a Kafka broker, service instances from the packaged jar in both modes,
 * and PostgreSQL, all on loopback. The scenarios run in order on one broker, one database and one
 * topic, served by two group instances and a replay instance beside them, so that the fresh replay
 * instance of the fourth rebuilds everything applied through every fault; the replay owner's crash
 * runs on a topic of its own. After each fault every instance must list exactly what the
 * acknowledged operations imply ({@link ExpectedLedger}). Logs: {@code target/reliability/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

    private static final int PARTITIONS = 6;
    private static final List<String> ACCOUNTS = IntStream.range(0, 16).mapToObj(i -> "acct-%02d".formatted(i)).toList();
    /** A replay instance's ownership, or one group-mode consumer's partitions, each line naming its thread. */
    private static final Pattern OWNERSHIP = Pattern.compile("\\(([^)]+)\\) This (?:instance|consumer) now (?:owns|applies) partitions \\[([0-9, ]*)]");

    private final String topic = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    private final ExpectedLedger model = new ExpectedLedger();
    private final List<AutoCloseable> started = new ArrayList<>();
    private DatabaseProcess database;
    private BrokerProcess broker;
    private ServiceInstance groupA;
    private ServiceInstance groupB;
    private ServiceInstance alongside;
    private LoadDriver load;
    private int faults;
    private long eventsApplied;
    private int mismatches;
    private long replayOperations;
    private Map<String, String> datasource;

    @BeforeAll
    void startBrokerDatabaseAndInstances() throws IOException {
        assertThat(ServiceInstance.ARTIFACT).as("the packaged application (mvn package)").exists();
        // The logs and the broker's data of the previous run go: this run's logs are what a failure is read from.
        Utils.delete(ChildProcess.LOG_DIR.toFile());
        Path brokerData = Files.createDirectories(ChildProcess.LOG_DIR.resolve("kafka-data"));
        broker = started(new BrokerProcess(brokerData));
        broker.start();
        // A server of the test's own, which it can kill: the machine's may not be there, and is shared.
        database = started(new DatabaseProcess(ChildProcess.LOG_DIR.resolve("postgres-data")));
        database.start();
        try {
            datasource = database.createDatabase("ledger");
        } catch (SQLException e) {
            throw new IOException(e);
        }
        groupA = started(ServiceInstance.group("group-a", broker, topic, datasource));
        groupB = started(ServiceInstance.group("group-b", broker, topic, datasource));
        // One after the other: both would create the topic and migrate the schema at once otherwise.
        groupA.launch().awaitReady();
        groupB.launch().awaitReady();
        // Replay mode beside group mode on one topic: it reads every event and publishes follow-ups too.
        alongside = started(ServiceInstance.replay("replay-alongside", broker, topic)).launch().awaitReady();
        load = new LoadDriver(List.of(groupA.http(), groupB.http()), model, ACCOUNTS);
        load.openAccounts(5_000);
    }

    @AfterAll
    void stopEverything() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("Could not stop: " + e);
            }
        }
        System.out.printf("Reliability figures: %d operations sent (%d transfers), %d faults injected, %d retries, %d events applied, %d mismatches%n",
                (load == null ? 0 : load.operations()) + replayOperations, model.transfers().size(), faults, load == null ? 0 : load.retries(),
                eventsApplied, mismatches);
    }

    @Test
    @Order(1)
    void groupInstanceKilledUnderLoadLosesNothingAndAppliesNothingTwice() throws Exception {
        load.start(6);
        try {
            Thread.sleep(6_000);
            groupA.kill();
            faults++;
            await("the surviving instance applies every partition", Duration.ofSeconds(60))
                    .until(() -> owned(groupB).size() == PARTITIONS);
            Thread.sleep(3_000);
            groupA.launch().awaitReady();
            Thread.sleep(3_000);
        } finally {
            load.stop();
        }

        assertThat(load.retries()).as("requests sent again after the kill").isPositive();
        assertGroupMatchesAcknowledgedOperations();
    }

    @Test
    @Order(2)
    void brokerKilledAndRestartedUnderLoadIsRecoveredFromWithReadinessShowingTheOutage() throws Exception {
        long acknowledgedAtRestart;
        load.start(4);
        try {
            Thread.sleep(4_000);
            broker.kill();
            faults++;
            await("every instance reports not ready while the broker is down", Duration.ofSeconds(60))
                    .until(() -> !groupA.http().ready() && !groupB.http().ready() && !alongside.http().ready());
            Thread.sleep(3_000);
            broker.start();
            acknowledgedAtRestart = load.acknowledged();
            await("every instance ready again by itself", Duration.ofSeconds(90))
                    .until(() -> groupA.http().ready() && groupB.http().ready() && alongside.http().ready());
            Thread.sleep(4_000);
        } finally {
            load.stop();
        }

        assertThat(load.acknowledged()).as("operations acknowledged after the broker came back").isGreaterThan(acknowledgedAtRestart);
        assertGroupMatchesAcknowledgedOperations();
    }

    /**
     * PostgreSQL killed under load, then started again: it recovers to its last flushed commit, which
     * with {@code LEDGER_GROUP_SYNCHRONOUS_COMMIT} off (the default) may be older than the state some
     * requests were answered from. The offsets recorded with that state say where to read again, and
     * what was lost is applied again, with the same results.
     */
    @Test
    @Order(3)
    void databaseKilledUnderLoadLosesNothingAcknowledgedAndAppliesNothingTwice() throws Exception {
        long acknowledgedAtRestart;
        load.start(4);
        try {
            Thread.sleep(4_000);
            database.kill();
            faults++;
            Thread.sleep(3_000);
            database.start();
            acknowledgedAtRestart = load.acknowledged();
            await("every instance ready again by itself", Duration.ofSeconds(90))
                    .until(() -> groupA.http().ready() && groupB.http().ready());
            Thread.sleep(4_000);
        } finally {
            load.stop();
        }

        assertThat(load.acknowledged()).as("operations acknowledged after the database came back").isGreaterThan(acknowledgedAtRestart);
        assertGroupMatchesAcknowledgedOperations();
    }

    @Test
    @Order(4)
    void poisonRecordsAreSkippedCountedAndDeadLetteredWithoutChangingState() throws Exception {
        double malformedBefore = skipped(groupA, "malformed") + skipped(groupB, "malformed");
        double unknownBefore = skipped(groupA, "unknown-type") + skipped(groupB, "unknown-type");
        load.start(2);
        try {
            Thread.sleep(1_500);
            TopicProbe.write(broker.bootstrapServers(), poisonRecords());
            faults += 3;
            Thread.sleep(1_500);
        } finally {
            load.stop();
        }

        await("both modes skipped and counted the poison records", Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(skipped(groupA, "malformed") + skipped(groupB, "malformed") - malformedBefore).isEqualTo(2);
            assertThat(skipped(groupA, "unknown-type") + skipped(groupB, "unknown-type") - unknownBefore).isEqualTo(1);
            assertThat(skipped(alongside, "malformed")).isEqualTo(2);
            assertThat(skipped(alongside, "unknown-type")).isEqualTo(1);
        });
        var deadLetters = TopicProbe.readAll(broker.bootstrapServers(), topic + "-dlq");
        assertThat(deadLetters).extracting(record -> new String(record.headers().lastHeader("ledger-dlq-reason").value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("malformed", "malformed", "unknown-type");
        assertGroupMatchesAcknowledgedOperations();
    }

    @Test
    @Order(5)
    void freshReplayInstanceRebuildsTheDigestOfTheGroupsDatabase() {
        try (var replay = ServiceInstance.replay("replay-rebuild", broker, topic).launch().awaitReady()) {
            await("replay positions reach the group's", Duration.ofSeconds(30))
                    .until(() -> replay.http().digest().get("positions").equals(groupA.http().digest().get("positions")));
            JsonNode fromTopic = replay.http().digest();
            JsonNode fromDatabase = groupA.http().digest();
            for (String field : List.of("accounts", "totalBalance", "digest", "positions")) {
                assertThat(fromTopic.get(field)).as(field).isEqualTo(fromDatabase.get(field));
            }
            assertThat(counted(model.mismatches(replay.http().accounts()))).isEmpty();
            // The topic holds the three poison records written above and nothing else undecodable.
            assertThat(skipped(replay, "malformed")).isEqualTo(2);
            assertThat(skipped(replay, "unknown-type")).isEqualTo(1);
            eventsApplied = (long) replay.http().metric("ledger_events_applied_total", "outcome=\"applied\"");
        }
    }

    @Test
    @Order(6)
    void transfersInFlightSettleWhenTheReplayInstanceOwningTheirPartitionsIsKilled() throws Exception {
        String replayTopic = topic + "-replay";
        var first = started(ServiceInstance.replay("replay-1", broker, replayTopic));
        var second = started(ServiceInstance.replay("replay-2", broker, replayTopic));
        first.launch().awaitReady();
        second.launch().awaitReady();
        await("the two instances share out the partitions", Duration.ofSeconds(60))
                .until(() -> !owned(first).isEmpty() && !owned(second).isEmpty()
                        && owned(first).size() + owned(second).size() == PARTITIONS);
        Set<Integer> ownedByFirst = owned(first);
        var replayModel = new ExpectedLedger();
        var accounts = IntStream.range(0, 12).mapToObj(i -> "replay-%02d".formatted(i)).toList();
        var setUp = new LoadDriver(List.of(second.http()), replayModel, accounts);
        setUp.openAccounts(10_000);
        var senders = accounts.stream().filter(id -> ownedByFirst.contains(partitionOf(id))).toList();
        assertThat(senders).as("accounts on partitions the first instance owns").isNotEmpty();

        // The owner hangs, then dies: the debits it decided are applied everywhere, their credits published by nobody.
        first.freeze();
        var transfers = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 60; i++) {
            String from = senders.get(i % senders.size());
            String to = accounts.get((accounts.indexOf(from) + 1 + i % 5) % accounts.size());
            var transfer = Map.<String, Object>of("transferId", "t-" + i, "from", from, "to", to, "amount", 10 + i);
            assertThat(second.http().post("/transfers", "replay-transfer-" + i, transfer, true).status()).isEqualTo(202);
            transfers.add(transfer);
        }
        await("the debits are applied, the credits in flight", Duration.ofSeconds(20)).untilAsserted(() -> {
            var statuses = transfers.stream().map(transfer -> transferStatus(second, transfer.get("transferId"))).toList();
            assertThat(statuses).doesNotContainNull().contains("PENDING");
        });
        first.kill();
        faults++;
        replayOperations = setUp.operations() + transfers.size();

        await("the surviving instance owns every partition", Duration.ofSeconds(60))
                .until(() -> owned(second).size() == PARTITIONS);
        await("every transfer settles", Duration.ofSeconds(60)).untilAsserted(() -> {
            for (var transfer : transfers) {
                assertThat(transferStatus(second, transfer.get("transferId"))).as("transfer %s", transfer.get("transferId"))
                        .isEqualTo("COMPLETED");
            }
        });
        transfers.forEach(transfer -> replayModel.transferred((String) transfer.get("transferId"), (String) transfer.get("from"),
                (String) transfer.get("to"), ((Integer) transfer.get("amount")).longValue()));
        assertThat(counted(replayModel.mismatches(second.http().accounts()))).isEmpty();
        assertThat(second.http().digest().get("totalBalance").asLong()).isEqualTo(replayModel.expectedTotal());
    }

    /**
     * A record that passes the rules but that the group's database refuses (a trigger here, as a
     * constraint a DBA adds would): the group holds back that partition alone and says so, the
     * other partitions keep applying, the replay instance (which can apply it) applies it, and once
     * the database takes it the partition goes on by itself.
     */
    @Test
    @Order(7)
    void aRecordTheDatabaseRefusesStallsItsPartitionAloneAndVisiblyUntilTheDatabaseTakesIt() throws Exception {
        int partition = partitionOf(ACCOUNTS.get(0));
        var neighbour = ACCOUNTS.get(0);
        var elsewhere = ACCOUNTS.stream().filter(id -> partitionOf(id) != partition).findFirst().orElseThrow();
        var refused = IntStream.range(0, 1_000).mapToObj(i -> "refused-" + i).filter(id -> partitionOf(id) == partition)
                .findFirst().orElseThrow();
        sql("create or replace function refuse() returns trigger language plpgsql as $$ begin "
                + "if new.account_id like 'refused-%' then raise exception 'refused %', new.account_id; end if; "
                + "return new; end $$");
        sql("create trigger refuse before insert or update on accounts for each row execute function refuse()");
        faults++;
        assertThat(groupA.http().post("/accounts", null, Map.of("accountId", refused, "owner", "Ada", "currency", "EUR"), true)
                .status()).isEqualTo(202);

        var stalledLabel = "partition=\"" + partition + "\"";
        await("one group instance holds the partition back", Duration.ofSeconds(30)).until(() ->
                groupA.http().metric("ledger_partition_stalled", stalledLabel) + groupB.http().metric("ledger_partition_stalled", stalledLabel) == 1);
        var holder = groupA.http().metric("ledger_partition_stalled", stalledLabel) == 1 ? groupA : groupB;
        var health = holder.http().get("/q/health/ready");
        assertThat(health.status()).as("readiness stays UP").isEqualTo(200);
        assertThat(health.body().toString()).contains("stalled-partition-" + partition);
        var held = holder.http().post("/accounts/" + neighbour + "/deposits", null, Map.of("amount", 1), false);
        assertThat(held.status()).isEqualTo(503);
        assertThat(held.body().get("type").asText()).isEqualTo("urn:ledger:problem:partition-stalled");
        var other = holder == groupA ? groupB : groupA;
        await("the other group instance answers 503 for that partition too", Duration.ofSeconds(10)).until(() ->
                other.http().post("/accounts/" + neighbour + "/deposits", null, Map.of("amount", 1), false).status() == 503);
        var applied = holder.http().post("/accounts/" + elsewhere + "/deposits", null, Map.of("amount", 1), false);
        assertThat(applied.status()).as("another partition keeps applying").isEqualTo(200);
        model.deposited(elsewhere, 1);
        await("the replay instance applies what the group cannot", Duration.ofSeconds(30))
                .until(() -> alongside.http().get("/accounts/" + refused).status() == 200);
        assertThat(groupA.http().get("/accounts/" + refused).status()).as("never skipped, not applied yet").isEqualTo(404);

        sql("drop trigger refuse on accounts");
        await("the partition goes on once the database takes the record", Duration.ofSeconds(90))
                .until(() -> groupA.http().get("/accounts/" + refused).status() == 200
                        && holder.http().metric("ledger_partition_stalled", stalledLabel) == 0);
        model.opened(refused);
        await("the group and the replay instance agree again", Duration.ofSeconds(30))
                .until(() -> alongside.http().digest().equals(withMode(groupA.http().digest(), "replay")));
        for (var instance : List.of(groupA, groupB, alongside)) {
            assertThat(counted(model.mismatches(instance.http().accounts()))).as("accounts on " + instance.name()).isEmpty();
        }
    }

    /**
     * A fresh group instance catching up on a backlog with transfers, a replay instance beside it on
     * the same topic: every follow-up is written about once (no bulk republishing), and the replay
     * instance takes its share of follow-up ownership only once it has caught up.
     */
    @Test
    @Order(8)
    void aGroupBacklogWithTransfersGrowsTheTopicByAboutOneRecordPerTransfer() throws Exception {
        String backlogTopic = topic + "-backlog";
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(backlogTopic, PARTITIONS, (short) 1)
                    .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")))).all().get();
        }
        var backlog = new Backlog(backlogTopic, 1_000, 120_000);
        TopicProbe.write(broker.bootstrapServers(), backlog.records());
        long events = backlog.records().size();

        var backlogDatabase = new PostgresResource();
        try (var catchingUp = ServiceInstance.group("group-backlog", broker, backlogTopic, backlogDatabase.start());
                var replay = ServiceInstance.replay("replay-backlog", broker, backlogTopic)) {
            replay.launch();
            catchingUp.launch();
            while (!replay.http().ready()) {
                assertThat(ownersOf(backlogTopic)).as("follow-up owners of the topic while the replay instance catches up").isZero();
                Thread.sleep(100);
            }
            await("the replay instance owns follow-ups once caught up", Duration.ofSeconds(60))
                    .until(() -> ownersOf(backlogTopic) == 1);
            catchingUp.awaitReady();
            await("the group applies the backlog and every follow-up", Duration.ofMinutes(4)).until(() -> {
                var digest = catchingUp.http().digest();
                return digest.get("totalBalance").asLong() == backlog.deposited()
                        && positionsSum(digest) == TopicProbe.recordCount(broker.bootstrapServers(), backlogTopic);
            });
            long written = TopicProbe.recordCount(broker.bootstrapServers(), backlogTopic);
            System.out.printf("Backlog figures: %d events, %d transfers, %d records after catch-up (%.2f x transfers added)%n",
                    events, backlog.transfers(), written, (double) (written - events) / backlog.transfers());
            assertThat(written).as("records on the topic: events + at most 1.1 x transfers")
                    .isLessThanOrEqualTo(events + (long) (1.1 * backlog.transfers()));
            await("the replay instance agrees", Duration.ofSeconds(60))
                    .until(() -> replay.http().digest().equals(withMode(catchingUp.http().digest(), "replay")));
        } finally {
            backlogDatabase.stop();
        }
    }

    /** Replay instances that own partitions of {@code topic} for publishing follow-ups. */
    private long ownersOf(String topicName) throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            var group = admin.describeConsumerGroups(List.of("ledger-replay-owners")).all().get().get("ledger-replay-owners");
            return group.members().stream()
                    .filter(member -> member.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topicName)))
                    .count();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    private static long positionsSum(JsonNode digest) {
        long sum = 0;
        for (var position : digest.get("positions")) {
            sum += position.asLong();
        }
        return sum;
    }

    /** A digest as an instance of the other mode would report it: the same but for {@code mode}. */
    private static JsonNode withMode(JsonNode digest, String mode) {
        var copy = digest.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).put("mode", mode);
        return copy;
    }

    private void sql(String statement) throws SQLException {
        try (var connection = DriverManager.getConnection(datasource.get("quarkus.datasource.jdbc.url"),
                datasource.get("quarkus.datasource.username"), datasource.get("quarkus.datasource.password"));
                var run = connection.createStatement()) {
            run.execute(statement);
        }
    }

    /**
     * Both group instances list exactly what the acknowledged operations imply, once every transfer
     * settled, and so does the replay instance beside them once it has read as far.
     */
    private void assertGroupMatchesAcknowledgedOperations() {
        assertThat(load.unexpectedAnswers()).as("answers a correct service never gives").isEmpty();
        assertThat(load.unresolved()).as("operations whose outcome no retry could learn").isEmpty();
        var transfers = model.transfers();
        await("no transfer stays PENDING", Duration.ofSeconds(60)).untilAsserted(() -> transfers.forEach((id, status) ->
                assertThat(groupB.http().read("/transfers/" + id).get("status").asText()).as("transfer " + id).isEqualTo(status)));
        for (var instance : List.of(groupA, groupB)) {
            var accounts = instance.http().accounts();
            assertThat(counted(model.mismatches(accounts))).as("accounts on " + instance.name()).isEmpty();
            assertThat(accounts.values().stream().mapToLong(LedgerHttp.Account::balance).sum())
                    .as("sum of balances = deposits - withdrawals").isEqualTo(model.expectedTotal());
            var digest = instance.http().digest();
            assertThat(digest.get("accounts").asLong()).isEqualTo(ACCOUNTS.size());
            assertThat(digest.get("totalBalance").asLong()).isEqualTo(model.expectedTotal());
        }
        await("the replay instance beside the group reaches the group's positions", Duration.ofSeconds(30))
                .until(() -> alongside.http().digest().get("positions").equals(groupA.http().digest().get("positions")));
        assertThat(counted(model.mismatches(alongside.http().accounts()))).as("accounts on " + alongside.name()).isEmpty();
    }

    /** Adds the mismatches to the run's figures. */
    private List<String> counted(List<String> found) {
        mismatches += found.size();
        return found;
    }

    /** Garbage bytes, truncated JSON and a well-formed event of an unknown type, on accounts the load is using. */
    private List<ProducerRecord<String, byte[]>> poisonRecords() {
        String unknownType = """
                {"eventId":"%s","type":"AccountFrozen","accountId":"acct-02","commandId":"%s","timestamp":"%s","data":{}}"""
                .formatted(UUID.randomUUID(), UUID.randomUUID(), Instant.now());
        String deposit = """
                {"eventId":"%s","type":"DepositRequested","accountId":"acct-01","commandId":"%s","timestamp":"%s","data":{"amount":100}}"""
                .formatted(UUID.randomUUID(), UUID.randomUUID(), Instant.now());
        return List.of(
                new ProducerRecord<>(topic, "acct-00", new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x13, 0x37}),
                new ProducerRecord<>(topic, "acct-01", deposit.substring(0, deposit.length() / 2).getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(topic, "acct-02", unknownType.getBytes(StandardCharsets.UTF_8)));
    }

    /** The transfer's status on {@code instance}, null while it does not know it. */
    private static String transferStatus(ServiceInstance instance, Object transferId) {
        try {
            var answer = instance.http().get("/transfers/" + transferId);
            return answer.status() == 404 ? null : answer.body().get("status").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double skipped(ServiceInstance instance, String reason) {
        return instance.http().metric("ledger_records_skipped_total", "reason=\"" + reason + "\"");
    }

    /** The partitions an instance last said it owns, from its log. */
    /** What the instance applies or owns now: the partitions each of its consumer threads named last. */
    private static Set<Integer> owned(ServiceInstance instance) throws IOException {
        var lastByThread = new HashMap<String, String>();
        for (String line : Files.readAllLines(instance.logFile(), StandardCharsets.ISO_8859_1)) {
            var matcher = OWNERSHIP.matcher(line);
            if (matcher.find()) {
                lastByThread.put(matcher.group(1), matcher.group(2));
            }
        }
        return lastByThread.values().stream().filter(last -> !last.isBlank())
                .flatMap(last -> Pattern.compile(",\\s*").splitAsStream(last)).map(Integer::valueOf)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The partition Kafka's default partitioner puts an account's events on. */
    private static int partitionOf(String accountId) {
        return StalledPartitions.partitionOf(accountId, PARTITIONS);
    }

    private <T extends AutoCloseable> T started(T process) {
        started.add(process);
        return process;
    }

    private static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(500));
    }
}
