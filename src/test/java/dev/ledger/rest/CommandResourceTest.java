package dev.ledger.rest;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import dev.ledger.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class CommandResourceTest {

    @Test
    void respondAsyncAnswers202AndTheCommandLaterShowsApplied() {
        var id = openWith(0, "EUR");
        var location = given().contentType(ContentType.JSON).header("Prefer", "respond-async")
                .body(Map.of("amount", 75)).post("/accounts/" + id + "/deposits")
                .then()
                .statusCode(202)
                .header("Location", matchesPattern(".*/commands/[0-9a-f-]{36}$"))
                .body("status", equalTo("PENDING"))
                .extract().header("Location");
        var commandPath = location.substring(location.indexOf("/commands/"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(commandPath).then()
                .statusCode(200)
                .body("status", equalTo("APPLIED"))
                .body("location", endsWith("/accounts/" + id)));
        account(id).body("balance", equalTo(75));
    }

    @Test
    void aRejectedCommandShowsItsReason() {
        var id = openWith(10, "EUR");
        var location = given().contentType(ContentType.JSON).header("Prefer", "respond-async")
                .body(Map.of("amount", 11)).post("/accounts/" + id + "/withdrawals")
                .then().statusCode(202).extract().header("Location");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(location.substring(location.indexOf("/commands/")))
                .then().statusCode(200).body("status", equalTo("REJECTED")).body("reason", equalTo("INSUFFICIENT_FUNDS")));
    }

    @Test
    void anUnknownCommandIsNotFound() {
        given().get("/commands/" + newId("c")).then().statusCode(404).contentType("application/problem+json");
    }
}
