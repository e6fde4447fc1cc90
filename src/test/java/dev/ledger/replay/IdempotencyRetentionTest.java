package dev.ledger.replay;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.LedgerQueries;
import dev.ledger.pipeline.StalledPartitions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Idempotency records expire by event time, the same way in both modes (this class in replay mode,
 * {@link GroupModeIdempotencyRetentionTest} in group mode): a retry within the retention is
 * answered from the first attempt, one after it is a new command and applied again, a follow-up
 * seen again after it is applied again, and a replay consumer rebuilding the topic reaches the
 * running instance's digest. Records are written straight to the topic with chosen event times.
 */
@QuarkusTest
@TestProfile(IdempotencyRetentionTest.DayRetention.class)
@WithTestResource(KafkaBrokerResource.class)
public class IdempotencyRetentionTest {

    /** The shortest retention allowed, in a service of its own: the event times below must not touch other tests' records. */
    public static class DayRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledger.idempotency-retention", "PT24H");
        }
    }

    @Inject
    ReplayConsumers consumers;
    @Inject
    EventTopic topic;
    @Inject
    LedgerConfig config;
    @Inject
    EventCodec codec;
    @Inject
    LedgerQueries running;

    @Test
    public void aRetryWithinTheRetentionIsAnsweredOnceAndOneAfterItIsAppliedAgain() throws Exception {
        retriesThroughTheApiAreAnsweredFromTheFirstAttempt();

        // Event times ahead of the clock, so that the API's own events above expire nothing here.
        var start = Instant.now().plus(Duration.ofDays(10));
        var hourLater = start.plus(Duration.ofHours(1));
        var dayAndHourLater = start.plus(Duration.ofHours(25));
        var sender = newId("retained");
        var receiver = onAnotherPartitionThan(sender);
        var deposit = command(sender, UUID.randomUUID().toString(), start, "key-" + UUID.randomUUID(), "hash-1",
                new Payload.DepositRequested(100, null));
        var transferId = UUID.randomUUID().toString();
        var transfer = command(sender, UUID.randomUUID().toString(), start, null, null,
                new Payload.TransferRequested(transferId, receiver, 30));
        var credit = new LedgerEvent(transferId + "/" + sender + "/credit", receiver, transfer.commandId(), start, null, null,
                new Payload.TransferCreditRequested(transferId, sender, 30, "EUR"));

        write(command(sender, UUID.randomUUID().toString(), start, null, null, new Payload.AccountOpenRequested("Ada", "EUR")),
                command(receiver, UUID.randomUUID().toString(), start, null, null, new Payload.AccountOpenRequested("Bo", "EUR")),
                deposit, transfer);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> account(receiver).statusCode(200).body("balance", equalTo(30)));
        account(sender).body("balance", equalTo(70));

        // Within the retention: the retried deposit and the credit seen again are duplicates. Each
        // partition's last record is a deposit of 1 applied after them, a sign they were decided.
        write(retry(deposit, hourLater), depositOf(sender, 1, hourLater), credit, depositOf(receiver, 1, hourLater));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            account(sender).body("balance", equalTo(71));
            account(receiver).body("balance", equalTo(31));
        });
        given().get("/commands/" + transfer.commandId()).then().statusCode(200).body("status", equalTo("APPLIED"));

        // A record 25 hours after them moves each partition's newest event time past the retention:
        // the deposit's result and the credit's id are gone, and both are applied again.
        write(depositOf(sender, 1, dayAndHourLater), retry(deposit, dayAndHourLater),
                depositOf(receiver, 1, dayAndHourLater), credit, depositOf(receiver, 1, dayAndHourLater));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            account(sender).body("balance", equalTo(172));
            account(receiver).body("balance", equalTo(63));
        });
        given().get("/commands/" + transfer.commandId()).then().statusCode(404);
        given().get("/commands/" + deposit.commandId()).then().statusCode(200).body("status", equalTo("APPLIED"));

        rebuiltFromTheTopicReachesTheRunningDigest();
    }

    private String onAnotherPartitionThan(String accountId) {
        var other = newId("retained");
        while (StalledPartitions.partitionOf(other, config.topicPartitions()) == StalledPartitions.partitionOf(accountId,
                config.topicPartitions())) {
            other = newId("retained");
        }
        return other;
    }

    /** The contract within the retention: a retry is answered as the first attempt, and applied once. */
    private static void retriesThroughTheApiAreAnsweredFromTheFirstAttempt() {
        var id = openWith(100, "EUR");
        var key = UUID.randomUUID().toString();
        var first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("amount", 50))
                .post("/accounts/" + id + "/deposits").then().statusCode(200).extract().asString();
        var again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("amount", 50))
                .post("/accounts/" + id + "/deposits").then().statusCode(200).extract().asString();
        assertThat(again).isEqualTo(first);
        var asyncKey = UUID.randomUUID().toString();
        var location = given().contentType(ContentType.JSON).header("Idempotency-Key", asyncKey).header("Prefer", "respond-async")
                .body(Map.of("amount", 5)).post("/accounts/" + id + "/deposits").then().statusCode(202).extract().header("Location");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(location).then().body("status", equalTo("APPLIED")));
        given().contentType(ContentType.JSON).header("Idempotency-Key", asyncKey).body(Map.of("amount", 5))
                .post("/accounts/" + id + "/deposits").then().statusCode(200).body("balance", equalTo(155));
        account(id).body("balance", equalTo(155));
    }

    private void rebuiltFromTheTopicReachesTheRunningDigest() throws InterruptedException {
        long records = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> positionsSum(running.digest().await().indefinitely()) == records);
        var rebuilt = new ReplayState(config);
        var fresh = consumers.create(config, rebuilt);
        // With the topics a replay instance's start creates: in group mode the snapshot topic is not there yet.
        fresh.start(topic.ensure(true, List.of(ReplaySnapshots.newTopic(config.snapshotTopic()))));
        try {
            await().atMost(Duration.ofSeconds(60)).until(fresh::caughtUp);
            var expected = running.digest().await().indefinitely();
            var actual = rebuilt.digest().await().indefinitely();
            assertThat(nonEmpty(actual.positions())).isEqualTo(nonEmpty(expected.positions()));
            assertThat(actual.digest()).isEqualTo(expected.digest());
        } finally {
            fresh.stop();
        }
    }

    private static LedgerEvent command(String accountId, String commandId, Instant at, String key, String hash, Payload payload) {
        return new LedgerEvent(UUID.randomUUID().toString(), accountId, commandId, at, key, hash, payload);
    }

    private static LedgerEvent depositOf(String accountId, long amount, Instant at) {
        return command(accountId, UUID.randomUUID().toString(), at, null, null, new Payload.DepositRequested(amount, null));
    }

    /** The same command sent again: a new event, the same command id, key and request. */
    private static LedgerEvent retry(LedgerEvent command, Instant at) {
        return command(command.accountId(), command.commandId(), at, command.idempotencyKey(), command.requestHash(), command.payload());
    }

    private void write(LedgerEvent... events) {
        TopicProbe.write(List.of(events).stream()
                .map(event -> (ProducerRecord<String, byte[]>) TopicProbe.record(event.accountId(), codec.encode(event))).toList());
    }

    /** Group mode records the positions of partitions it applied something from; replay mode all. */
    private static Map<Integer, Long> nonEmpty(Map<Integer, Long> positions) {
        var result = new TreeMap<>(positions);
        result.values().removeIf(offset -> offset == 0);
        return result;
    }

    private static long positionsSum(LedgerQueries.Snapshot snapshot) {
        return snapshot.positions().values().stream().mapToLong(Long::longValue).sum();
    }
}
