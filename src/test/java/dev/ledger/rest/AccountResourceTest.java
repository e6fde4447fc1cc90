package dev.ledger.rest;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.open;
import static dev.ledger.LedgerClient.openWith;
import static dev.ledger.LedgerClient.post;
import static dev.ledger.LedgerClient.withdraw;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.ledger.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class AccountResourceTest {

    @Test
    void openingAnAccountAnswers201WithTheNewAccount() {
        var id = newId("open");
        open(id, "Ada Lovelace", "EUR")
                .statusCode(201)
                .header("Location", endsWith("/accounts/" + id))
                .body("accountId", equalTo(id))
                .body("owner", equalTo("Ada Lovelace"))
                .body("currency", equalTo("EUR"))
                .body("balance", equalTo(0))
                .body("version", equalTo(1));
        account(id).statusCode(200).body("version", equalTo(1));
    }

    @Test
    void openingWithoutAnIdLetsTheServerPickOne() {
        var id = post("/accounts", Map.of("owner", "Grace", "currency", "USD"))
                .statusCode(201)
                .body("accountId", matchesPattern("^[A-Za-z0-9._-]{1,64}$"))
                .extract().path("accountId");
        account((String) id).statusCode(200).body("owner", equalTo("Grace"));
    }

    @Test
    void openingAnExistingIdIsAConflict() {
        var id = openWith(0, "EUR");
        open(id, "Someone else", "USD")
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("type", equalTo("urn:ledger:problem:account-already-exists"))
                .body("title", notNullValue())
                .body("detail", notNullValue());
        account(id).body("owner", equalTo("Ada")).body("currency", equalTo("EUR"));
    }

    @Test
    void anUnknownAccountIsNotFound() {
        account(newId("nobody")).statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void aDepositRaisesBalanceAndVersion() {
        var id = openWith(0, "EUR");
        deposit(id, 2_500).statusCode(200).body("balance", equalTo(2_500)).body("version", equalTo(2));
        deposit(id, 1).statusCode(200).body("balance", equalTo(2_501)).body("version", equalTo(3));
    }

    @Test
    void aDepositToAnUnknownAccountIsNotFound() {
        deposit(newId("nobody"), 100).statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aWithdrawalLowersTheBalance() {
        var id = openWith(1_000, "EUR");
        withdraw(id, 1_000).statusCode(200).body("balance", equalTo(0)).body("version", equalTo(3));
    }

    @Test
    void withdrawalBeyondBalanceIsRejected() {
        var id = openWith(1_000, "EUR");
        withdraw(id, 1_001)
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:ledger:problem:insufficient-funds"));
        account(id).body("balance", equalTo(1_000)).body("version", equalTo(2));
    }

    @Test
    void aWithdrawalFromAnUnknownAccountIsNotFound() {
        withdraw(newId("nobody"), 100).statusCode(404);
    }

    @Test
    void accountsAreListedInIdOrderPageByPage() {
        var prefix = newId("page");
        for (var suffix : new String[] {"c", "a", "b"}) {
            open(prefix + "-" + suffix, "Pat", "EUR").statusCode(201);
        }
        var before = prefix + "-";
        given().queryParam("limit", 2).queryParam("after", before).get("/accounts").then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].accountId", equalTo(prefix + "-a"))
                .body("items[1].accountId", equalTo(prefix + "-b"))
                .body("next", equalTo(prefix + "-b"));
        given().queryParam("limit", 1).queryParam("after", prefix + "-b").get("/accounts").then()
                .statusCode(200)
                .body("items[0].accountId", equalTo(prefix + "-c"));
    }

    @Test
    void theLastPageHasNoNext() {
        given().queryParam("after", "z".repeat(64)).get("/accounts").then()
                .statusCode(200)
                .body("items", hasSize(0))
                .body("next", nullValue());
    }

    @Test
    void aListLimitOutsideOneToAThousandIsABadRequest() {
        for (var limit : new String[] {"0", "1001", "-1", "abc", "1.5"}) {
            given().queryParam("limit", limit).get("/accounts").then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("violations[0].field", equalTo("limit"));
        }
        given().queryParam("limit", 1000).get("/accounts").then().statusCode(200);
    }

    @Test
    void aMalformedAccountIdIsABadRequest() {
        given().get("/accounts/" + "x".repeat(65)).then().statusCode(400).contentType("application/problem+json");
        given().get("/accounts/bad%20id").then().statusCode(400);
        deposit("bad$id", 10).statusCode(400);
    }
}
