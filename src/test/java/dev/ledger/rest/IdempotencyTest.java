package dev.ledger.rest;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.config.LedgerConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class IdempotencyTest {

    @Inject
    LedgerConfig config;

    private static ValidatableResponse postWithKey(String key, String path, Object body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post(path).then();
    }

    @Test
    void aRetriedDepositReturnsTheFirstAnswerAndAppliesOnce() {
        var id = openWith(100, "EUR");
        var key = UUID.randomUUID().toString();
        var first = postWithKey(key, "/accounts/" + id + "/deposits", Map.of("amount", 50)).statusCode(200)
                .body("balance", equalTo(150)).body("version", equalTo(3)).extract().asString();
        var again = postWithKey(key, "/accounts/" + id + "/deposits", Map.of("amount", 50)).statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(again).isEqualTo(first);
        account(id).body("balance", equalTo(150)).body("version", equalTo(3));
    }

    @Test
    void aRetriedRejectionIsRejectedTheSameWay() {
        var id = openWith(10, "EUR");
        var key = UUID.randomUUID().toString();
        postWithKey(key, "/accounts/" + id + "/withdrawals", Map.of("amount", 20)).statusCode(409);
        given().contentType(ContentType.JSON).body(Map.of("amount", 20)).post("/accounts/" + id + "/deposits").then().statusCode(200);
        postWithKey(key, "/accounts/" + id + "/withdrawals", Map.of("amount", 20)).statusCode(409);
        account(id).body("balance", equalTo(30));
    }

    @Test
    void theSameKeyWithADifferentBodyIsUnprocessable() {
        var id = openWith(100, "EUR");
        var key = UUID.randomUUID().toString();
        postWithKey(key, "/accounts/" + id + "/deposits", Map.of("amount", 50)).statusCode(200);
        postWithKey(key, "/accounts/" + id + "/deposits", Map.of("amount", 60))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:idempotency-key-reused"));
        account(id).body("balance", equalTo(150));
    }

    @Test
    void aRetriedOpeningWithoutAnIdOpensOneAccount() {
        var key = UUID.randomUUID().toString();
        var body = Map.of("owner", "Lin", "currency", "EUR");
        String first = postWithKey(key, "/accounts", body).statusCode(201).extract().path("accountId");
        String again = postWithKey(key, "/accounts", body).statusCode(201).extract().path("accountId");
        org.assertj.core.api.Assertions.assertThat(again).isEqualTo(first);
    }

    @Test
    void aRetriedTransferMovesMoneyOnce() {
        var from = openWith(100, "EUR");
        var to = openWith(0, "EUR");
        var key = UUID.randomUUID().toString();
        var body = Map.of("from", from, "to", to, "amount", 30);
        String first = postWithKey(key, "/transfers", body).statusCode(201).body("status", equalTo("COMPLETED"))
                .extract().path("transferId");
        long retried = System.nanoTime();
        postWithKey(key, "/transfers", body).statusCode(201).body("transferId", equalTo(first)).body("status", equalTo("COMPLETED"));
        // The retry finds the first attempt's result, its transfer PENDING at the debit and settled since: it must read
        // the transfer, not wait out the command timeout for a settlement that came before it.
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - retried))
                .as("a retry of a settled transfer answered before the command timeout").isLessThan(config.commandTimeout());
        account(from).body("balance", equalTo(70));
        account(to).body("balance", equalTo(30));
    }

    @Test
    void anInvalidKeyIsABadRequest() {
        var id = openWith(0, "EUR");
        postWithKey("x".repeat(129), "/accounts/" + id + "/deposits", Map.of("amount", 1)).statusCode(400);
        postWithKey("", "/accounts/" + id + "/deposits", Map.of("amount", 1)).statusCode(400);
        account(id).body("balance", equalTo(0));
    }
}
