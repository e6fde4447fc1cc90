package dev.ledger.rest;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.openWith;
import static dev.ledger.LedgerClient.post;
import static dev.ledger.LedgerClient.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class TransferResourceTest {

    @Test
    void aTransferMovesMoneyAndCompletes() {
        var from = openWith(1_000, "EUR");
        var to = openWith(0, "EUR");
        var transferId = transfer(from, to, 300)
                .statusCode(201)
                .body("status", equalTo("COMPLETED"))
                .body("from", equalTo(from))
                .body("to", equalTo(to))
                .body("amount", equalTo(300))
                .body("currency", equalTo("EUR"))
                .extract().<String>path("transferId");
        account(from).body("balance", equalTo(700)).body("version", equalTo(3));
        account(to).body("balance", equalTo(300)).body("version", equalTo(2));
        given().get("/transfers/" + transferId).then().statusCode(200).body("status", equalTo("COMPLETED"));
    }

    @Test
    void aTransferAnswersWithItsLocation() {
        var transferId = newId("t");
        post("/transfers", Map.of("transferId", transferId, "from", openWith(10, "EUR"), "to", openWith(0, "EUR"), "amount", 10))
                .statusCode(201)
                .header("Location", endsWith("/transfers/" + transferId))
                .body("transferId", equalTo(transferId));
    }

    @Test
    void aTransferToAnUnknownAccountIsRefunded() {
        var from = openWith(1_000, "EUR");
        transfer(from, newId("nobody"), 400)
                .statusCode(201)
                .body("status", equalTo("REFUNDED"))
                .body("reason", equalTo("ACCOUNT_NOT_FOUND"));
        account(from).body("balance", equalTo(1_000)).body("version", equalTo(4));
    }

    @Test
    void aTransferToAnotherCurrencyIsRefunded() {
        var from = openWith(1_000, "EUR");
        var to = openWith(0, "USD");
        transfer(from, to, 400).statusCode(201).body("status", equalTo("REFUNDED")).body("reason", equalTo("CURRENCY_MISMATCH"));
        account(from).body("balance", equalTo(1_000));
        account(to).body("balance", equalTo(0)).body("version", equalTo(1));
    }

    @Test
    void aTransferBeyondTheBalanceIsRejectedAndMovesNothing() {
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        transfer(from, to, 101).statusCode(201).body("status", equalTo("REJECTED")).body("reason", equalTo("INSUFFICIENT_FUNDS"));
        account(from).body("balance", equalTo(100)).body("version", equalTo(2));
        account(to).body("balance", equalTo(0));
    }

    @Test
    void aTransferFromAnUnknownAccountIsRejected() {
        transfer(newId("nobody"), openWith(0, "EUR"), 5).statusCode(201).body("status", equalTo("REJECTED"))
                .body("reason", equalTo("ACCOUNT_NOT_FOUND"));
    }

    @Test
    void reusingATransferIdIsAConflict() {
        var transferId = newId("t");
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        var body = Map.<String, Object>of("transferId", transferId, "from", from, "to", to, "amount", 10);
        post("/transfers", body).statusCode(201);
        post("/transfers", body).statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:transfer-already-exists"));
        account(from).body("balance", equalTo(90));
    }

    @Test
    void aTransferToTheSameAccountIsABadRequest() {
        var id = openWith(100, "EUR");
        transfer(id, id, 10).statusCode(400).contentType("application/problem+json").body("violations", notNullValue());
    }

    @Test
    void anUnknownTransferIsNotFound() {
        given().get("/transfers/" + newId("t")).then().statusCode(404).contentType("application/problem+json");
    }

    /** A transfer's reference travels with it: in its answer, its GET, its event (version 2) and its credit. */
    @Test
    void aTransferKeepsItsReference() {
        var transferId = newId("t");
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        post("/transfers", Map.of("transferId", transferId, "from", from, "to", to, "amount", 10, "reference", "rent \u00E9t\u00E9 \uD83D\uDE00"))
                .statusCode(201).body("status", equalTo("COMPLETED")).body("reference", equalTo("rent \u00E9t\u00E9 \uD83D\uDE00"));
        given().get("/transfers/" + transferId).then().statusCode(200).body("reference", equalTo("rent \u00E9t\u00E9 \uD83D\uDE00"));

        var events = TopicProbe.readAll(TopicProbe.topic()).stream()
                .filter(record -> from.equals(record.key()) || to.equals(record.key()))
                .map(record -> json(record.value()))
                .filter(event -> transferId.equals(event.path("data").path("transferId").asText()))
                .toList();
        assertThat(events).extracting(event -> event.get("type").asText())
                .containsExactlyInAnyOrder("TransferRequested", "TransferCreditRequested");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.get("v").asInt()).isEqualTo(2);
            assertThat(event.get("data").get("reference").asText()).isEqualTo("rent \u00E9t\u00E9 \uD83D\uDE00");
        });
    }

    @Test
    void aTransferWithoutAReferenceShowsNone() {
        var transferId = transfer(openWith(100, "EUR"), openWith(0, "EUR"), 10).statusCode(201)
                .body("$", not(hasKey("reference"))).extract().<String>path("transferId");
        given().get("/transfers/" + transferId).then().statusCode(200).body("$", not(hasKey("reference")));
    }

    @Test
    void aReferenceOver200CharactersIsABadRequestAndWritesNothing() {
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        long before = TopicProbe.recordCount();
        post("/transfers", Map.of("from", from, "to", to, "amount", 10, "reference", "r".repeat(201)))
                .statusCode(400).contentType("application/problem+json").body("violations[0].field", equalTo("reference"));
        assertThat(TopicProbe.recordCount()).isEqualTo(before);
    }

    private static JsonNode json(byte[] value) {
        try {
            return new ObjectMapper().readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
