package dev.ledger.rest;

import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad requests get a 4xx problem and write nothing to the topic. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BadInputTest {

    @TestHTTPResource("/")
    URI base;

    private String account;

    @BeforeEach
    void anAccountExists() {
        account = openWith(1_000, "EUR");
    }

    private static ValidatableResponse postJson(String path, String json) {
        return given().contentType(ContentType.JSON).body(json).post(path).then();
    }

    private static void assertNothingWritten(Runnable requests) {
        long before = TopicProbe.recordCount();
        requests.run();
        assertThat(TopicProbe.recordCount()).as("records on the topic").isEqualTo(before);
    }

    private static void isBadRequest(ValidatableResponse response, String field) {
        response.log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("type", notNullValue()).body("title", notNullValue())
                .body("detail", notNullValue()).body("violations.field", hasItem(field));
    }

    @Test
    void malformedJsonIsABadRequest() {
        assertNothingWritten(() -> {
            for (var body : List.of("{", "{\"amount\": }", "not json", "[1,2]", "{\"amount\": 10,}")) {
                postJson("/accounts/" + account + "/deposits", body).statusCode(400).contentType("application/problem+json");
            }
        });
    }

    @Test
    void wrongTypesAreBadRequests() {
        assertNothingWritten(() -> {
            isBadRequest(postJson("/accounts/" + account + "/deposits", "{\"amount\": \"ten\"}"), "amount");
            isBadRequest(postJson("/accounts/" + account + "/deposits", "{\"amount\": 1.5}"), "amount");
            isBadRequest(postJson("/accounts/" + account + "/deposits", "{\"amount\": \"10\"}"), "amount");
            isBadRequest(postJson("/accounts/" + account + "/deposits", "{\"amount\": true}"), "amount");
            isBadRequest(postJson("/accounts/" + account + "/deposits", "{\"amount\": 100000000000000000000000}"), "amount");
            isBadRequest(postJson("/accounts", "{\"owner\": {\"a\": 1}, \"currency\": \"EUR\"}"), "owner");
            isBadRequest(postJson("/transfers", "{\"from\": [\"a\"], \"to\": \"b\", \"amount\": 1}"), "from");
        });
    }

    @Test
    void missingFieldsAreListed() {
        assertNothingWritten(() -> {
            isBadRequest(postJson("/accounts", "{}"), "owner");
            isBadRequest(postJson("/accounts", "{}"), "currency");
            isBadRequest(postJson("/accounts/" + account + "/deposits", "{}"), "amount");
            isBadRequest(postJson("/transfers", "{\"amount\": 5}"), "from");
            isBadRequest(postJson("/transfers", "{\"amount\": 5}"), "to");
        });
    }

    @Test
    void anEmptyBodyIsABadRequest() {
        assertNothingWritten(() -> postJson("/accounts/" + account + "/deposits", "").statusCode(400)
                .contentType("application/problem+json"));
    }

    @Test
    void amountsOutsideOneToATrillionAreBadRequests() {
        assertNothingWritten(() -> {
            for (var amount : List.of("0", "-1", "1000000000001", "9223372036854775807")) {
                isBadRequest(postJson("/accounts/" + account + "/withdrawals", "{\"amount\": " + amount + "}"), "amount");
            }
        });
        postJson("/accounts/" + account + "/deposits", "{\"amount\": 1000000000000}").statusCode(200);
        postJson("/accounts/" + account + "/withdrawals", "{\"amount\": 1}").statusCode(200);
    }

    @Test
    void badIdsAndCurrenciesAreBadRequests() {
        assertNothingWritten(() -> {
            isBadRequest(postJson("/accounts", "{\"accountId\": \"has space\", \"owner\": \"A\", \"currency\": \"EUR\"}"), "accountId");
            isBadRequest(postJson("/accounts", "{\"accountId\": \"" + "a".repeat(65) + "\", \"owner\": \"A\", \"currency\": \"EUR\"}"), "accountId");
            isBadRequest(postJson("/accounts", "{\"owner\": \"A\", \"currency\": \"eur\"}"), "currency");
            isBadRequest(postJson("/accounts", "{\"owner\": \"A\", \"currency\": \"EURO\"}"), "currency");
            isBadRequest(postJson("/accounts", "{\"owner\": \"  \", \"currency\": \"EUR\"}"), "owner");
            isBadRequest(postJson("/transfers", "{\"transferId\": \"a/b\", \"from\": \"x\", \"to\": \"y\", \"amount\": 1}"), "transferId");
        });
    }

    @Test
    void dotIdsAreRefused() {
        assertNothingWritten(() -> {
            for (var id : List.of(".", "..")) {
                isBadRequest(postJson("/accounts", "{\"accountId\": \"" + id + "\", \"owner\": \"A\", \"currency\": \"EUR\"}"), "accountId");
                isBadRequest(postJson("/transfers", "{\"transferId\": \"" + id + "\", \"from\": \"" + account + "\", \"to\": \"b\", \"amount\": 1}"),
                        "transferId");
                isBadRequest(postJson("/transfers", "{\"from\": \"" + id + "\", \"to\": \"" + account + "\", \"amount\": 1}"), "from");
                isBadRequest(postJson("/transfers", "{\"from\": \"" + account + "\", \"to\": \"" + id + "\", \"amount\": 1}"), "to");
                isBadRequest(given().urlEncodingEnabled(false).get("/accounts?after=" + id).then(), "after");
                // Followed by a matrix parameter, a dot id is no dot segment: the resource gets it.
                var segment = id + ";v=1";
                isBadRequest(given().urlEncodingEnabled(false).contentType(ContentType.JSON).body("{\"amount\": 1}")
                        .post("/accounts/" + segment + "/deposits").then(), "id");
                for (var get : List.of("/accounts/", "/transfers/", "/commands/")) {
                    isBadRequest(given().urlEncodingEnabled(false).get(get + segment).then(), "id");
                }
            }
        });
    }

    @Test
    void controlCharactersAndLoneSurrogatesInTextAreRefused() {
        assertNothingWritten(() -> {
            for (var text : List.of("a\\u0000b", "a\\u001Fb", "a\\u007Fb", "a\u007Fb", "\\uD800", "a\\uDC00b", "\\uDE00\\uD83D")) {
                isBadRequest(postJson("/accounts", "{\"owner\": \"" + text + "\", \"currency\": \"EUR\"}"), "owner");
                isBadRequest(postJson("/accounts/" + account + "/deposits", "{\"amount\": 1, \"reference\": \"" + text + "\"}"), "reference");
                isBadRequest(postJson("/accounts/" + account + "/withdrawals", "{\"amount\": 1, \"reference\": \"" + text + "\"}"),
                        "reference");
                isBadRequest(postJson("/transfers", "{\"from\": \"" + account + "\", \"to\": \"b\", \"amount\": 1, \"reference\": \""
                        + text + "\"}"), "reference");
            }
        });
    }

    @Test
    void textBeyondTheBasicPlaneIsAccepted() {
        postJson("/accounts", "{\"owner\": \"Zo\\u00EB \\uD83D\\uDE00\", \"currency\": \"EUR\"}").statusCode(201)
                .body("owner", equalTo("Zo\u00EB \uD83D\uDE00"));
        postJson("/accounts/" + account + "/deposits", "{\"amount\": 1, \"reference\": \"\\uD83D\\uDE00\"}").statusCode(200);
    }

    @Test
    void aMalformedIdempotencyKeyIsABadRequestProblem() {
        assertNothingWritten(() -> {
            for (var key : List.of("", "k".repeat(129), "a\tb")) {
                isBadRequest(given().contentType(ContentType.JSON).header("Idempotency-Key", key).body("{\"amount\": 1}")
                        .post("/accounts/" + account + "/deposits").then(), "Idempotency-Key");
            }
        });
    }

    @Test
    void anOversizeBodyIsTooLarge() {
        var huge = "{\"owner\": \"" + "a".repeat(70 * 1024) + "\", \"currency\": \"EUR\"}";
        assertNothingWritten(() -> postJson("/accounts", huge).statusCode(413).contentType("application/problem+json")
                .body("status", equalTo(413)));
    }

    @Test
    void anOversizeBodyOfUndeclaredLengthIsTooLarge() {
        var huge = "{\"owner\": \"" + "a".repeat(70 * 1024) + "\", \"currency\": \"EUR\"}";
        assertNothingWritten(() -> {
            var response = postChunked("/accounts", huge);
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"status\":413");
        });
    }

    @Test
    void anEmptyBodyOfUndeclaredLengthIsABadRequest() {
        assertNothingWritten(() -> {
            var response = postChunked("/accounts/" + account + "/deposits", "");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        });
    }

    /** Sends the body in chunks, its length undeclared: RestAssured always declares it. */
    private HttpResponse<String> postChunked(String path, String body) {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWrongContentTypeIsUnsupported() {
        assertNothingWritten(() -> given().contentType(ContentType.TEXT).body("amount=5")
                .post("/accounts/" + account + "/deposits").then()
                .statusCode(415).contentType("application/problem+json"));
    }

    @Test
    void aWrongMethodIsNotAllowed() {
        assertNothingWritten(() -> given().delete("/accounts/" + account).then()
                .statusCode(405).contentType("application/problem+json"));
    }

    @Test
    void noBadRequestEverAnswersWithAServerError() {
        assertNothingWritten(() -> {
            for (var body : List.of("null", "0", "\"text\"", "{\"amount\": null}", "{\"amount\": {}}", "{\"amount\": []}")) {
                postJson("/accounts/" + account + "/deposits", body).statusCode(lessThan(500));
                postJson("/transfers", body).statusCode(lessThan(500));
                postJson("/accounts", body).statusCode(lessThan(500));
            }
        });
    }
}
