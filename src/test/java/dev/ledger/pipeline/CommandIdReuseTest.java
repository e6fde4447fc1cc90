package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.openWith;
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
 * One command id on the records of two accounts on different partitions, as a faulty or forged
 * producer could write them: a command id is its account's own, so each account applies its
 * command once and a copy of it is a duplicate, however the two partitions interleave. Decided
 * the other way (the first applied takes effect), which one did depended on which partition was
 * applied first, and two instances could end with different balances.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class CommandIdReuseTest {

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
