package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Ids reused on the records of another account's partition, as a faulty or forged producer could
 * write them. Every decision depends on its own partition's order alone: a command id is its
 * account's own, an applied follow-up id its partition's. Decided the other way, whichever of the
 * two partitions was applied first decided the other's fate, and two instances could end with
 * different balances (a rebuild with two applying threads did, in CI).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class IdReuseAcrossPartitionsTest {

    @Inject
    EventCodec codec;
    @Inject
    LedgerConfig config;

    @Test
    void aCommandIdReusedOnAnotherAccountIsThatAccountsOwnCommandAndHoldsNoPartition() {
        var first = openWith(0, "EUR");
        var second = openWith(0, "EUR");
        while (partitionOf(second) == partitionOf(first)) {
            second = openWith(0, "EUR");
        }
        var commandId = "reused-" + UUID.randomUUID();

        // Each account's command twice, then a deposit of 1 with an id of its own: an odd balance says all were applied.
        TopicProbe.write(List.of(deposit(first, commandId, 100), deposit(second, commandId, 100), deposit(first, commandId, 100),
                deposit(second, commandId, 100), deposit(first, UUID.randomUUID().toString(), 1),
                deposit(second, UUID.randomUUID().toString(), 1)));

        var accounts = List.of(first, second);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> accounts.forEach(id -> assertThat(balance(id) % 2).isOne()));
        assertThat(accounts).allSatisfy(id -> assertThat(balance(id)).isEqualTo(101));
    }

    @Test
    void aForgedCreditUnderATransfersCreditIdOnAnotherPartitionDoesNotStandInForIt() {
        var alice = openWith(100, "EUR");
        var bob = openWith(0, "EUR");
        var carol = openWith(0, "EUR");
        while (partitionOf(carol) == partitionOf(bob)) {
            carol = openWith(0, "EUR");
        }
        var transferId = "t-" + UUID.randomUUID();
        var forged = new LedgerEvent(transferId + "/" + alice + "/credit", carol, UUID.randomUUID().toString(), Instant.now(), null,
                null, new Payload.TransferCreditRequested(transferId, alice, 30, "EUR", null));
        TopicProbe.write(List.of(TopicProbe.record(carol, codec.encode(forged))));
        var forgedCarol = carol;
        await().atMost(Duration.ofSeconds(20)).until(() -> balance(forgedCarol) == 30);

        // The API would refuse the transfer id now that it sees a transfer under it (409): the request comes as a record.
        var request = new LedgerEvent(UUID.randomUUID().toString(), alice, UUID.randomUUID().toString(), Instant.now(), null, null,
                new Payload.TransferRequested(transferId, bob, 50, null));
        TopicProbe.write(List.of(TopicProbe.record(alice, codec.encode(request))));
        await().atMost(Duration.ofSeconds(20)).until(() -> balance(bob) == 50);
        // The forged credit again, then a deposit of 1 with an id of its own: Carol's 31 says the copy was a duplicate.
        TopicProbe.write(List.of(TopicProbe.record(carol, codec.encode(forged)), deposit(carol, UUID.randomUUID().toString(), 1)));

        await().atMost(Duration.ofSeconds(20)).until(() -> balance(forgedCarol) % 2 == 1);
        assertThat(List.of(balance(alice), balance(bob), balance(carol))).containsExactly(50L, 50L, 31L);
        get("/transfers/" + transferId).then().statusCode(200).body("status", equalTo("COMPLETED"));
    }

    private int partitionOf(String accountId) {
        return StalledPartitions.partitionOf(accountId, config.topicPartitions());
    }

    private static long balance(String accountId) {
        return account(accountId).statusCode(200).extract().jsonPath().getLong("balance");
    }

    private ProducerRecord<String, byte[]> deposit(String accountId, String commandId, long amount) {
        var event = new LedgerEvent(UUID.randomUUID().toString(), accountId, commandId, Instant.now(), null, null,
                new Payload.DepositRequested(amount, null));
        return TopicProbe.record(accountId, codec.encode(event));
    }
}
