package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
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
 * One transfer id requested by A, then by B, then by A again, as records on the topic (or as
 * requests racing on two instances, which the API's own check cannot see): each sender's first
 * request moves its money once, A's second is refused, and no money is created or lost.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class TransferIdReuseTest {

    @Inject
    EventCodec codec;

    @Test
    void aTransferIdReusedByAnotherSenderAndAgainByTheFirstMovesEachSendersMoneyOnce() {
        var a = openWith(1_000, "EUR");
        var b = openWith(1_000, "EUR");
        var c = openWith(0, "EUR");
        var transferId = "reused-" + UUID.randomUUID();

        TopicProbe.write(List.of(request(a, transferId, c), request(b, transferId, c), request(a, transferId, c)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> account(c).body("balance", equalTo(200)));
        account(a).body("balance", equalTo(900)).body("version", equalTo(3));
        account(b).body("balance", equalTo(900)).body("version", equalTo(3));
        // Both transfers completed; the id shows the one of the lower sender id, in either mode.
        var shown = a.compareTo(b) < 0 ? a : b;
        given().get("/transfers/" + transferId).then().statusCode(200)
                .body("status", equalTo("COMPLETED")).body("from", equalTo(shown)).body("amount", equalTo(100));
    }

    private ProducerRecord<String, byte[]> request(String from, String transferId, String to) {
        var event = new LedgerEvent(UUID.randomUUID().toString(), from, UUID.randomUUID().toString(), Instant.now(), null, null,
                new Payload.TransferRequested(transferId, to, 100));
        return TopicProbe.record(from, codec.encode(event));
    }
}
