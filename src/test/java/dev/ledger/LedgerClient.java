package dev.ledger;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.UUID;

/** The API as the tests call it: one method per request, answers left to the test to check. */
public final class LedgerClient {

    private LedgerClient() {
    }

    /** An account id no other test uses. */
    public static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    public static ValidatableResponse open(String accountId, String owner, String currency) {
        return post("/accounts", Map.of("accountId", accountId, "owner", owner, "currency", currency));
    }

    /** Opens an account with the given balance and returns its id. */
    public static String openWith(long balance, String currency) {
        var id = newId("acct");
        open(id, "Ada", currency).statusCode(201);
        if (balance > 0) {
            deposit(id, balance).statusCode(200);
        }
        return id;
    }

    public static ValidatableResponse deposit(String accountId, long amount) {
        return post("/accounts/" + accountId + "/deposits", Map.of("amount", amount));
    }

    public static ValidatableResponse withdraw(String accountId, long amount) {
        return post("/accounts/" + accountId + "/withdrawals", Map.of("amount", amount));
    }

    public static ValidatableResponse transfer(String from, String to, long amount) {
        return post("/transfers", Map.of("from", from, "to", to, "amount", amount));
    }

    public static ValidatableResponse account(String accountId) {
        return given().get("/accounts/" + accountId).then();
    }

    public static ValidatableResponse post(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }
}
