package dev.ledger.rest;

import static dev.ledger.LedgerClient.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.ledger.JwtAuth;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code LEDGER_AUTH=jwt}: who may call what, and that a refused request writes nothing. */
@QuarkusTest
@TestProfile(JwtAuth.class)
@WithTestResource(KafkaBrokerResource.class)
class AccessControlTest {

    static final String READ = "ledger-read";
    static final String WRITE = "ledger-write";
    static final String ADMIN = "ledger-admin";

    // ---------------------------------------------------------------- no or bad token: 401

    @Test
    void aRequestWithoutATokenIsUnauthorized() {
        unauthorized(given().get("/accounts/" + newId("acct")), "Bearer");
        unauthorized(given().get("/accounts"), "Bearer");
        unauthorized(given().get("/admin/digest"), "Bearer");
    }

    @Test
    void aPostWithoutATokenIsUnauthorizedAndWritesNothing() {
        var id = newId("acct");
        long records = TopicProbe.recordCount();

        unauthorized(given().contentType(ContentType.JSON).body(openBody(id)).post("/accounts"), "Bearer");

        assertNothingWritten(records, id);
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        var expired = Jwt.issuer(JwtAuth.ISSUER).upn("ada").groups(WRITE)
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).sign();
        var id = newId("acct");
        long records = TopicProbe.recordCount();

        unauthorized(as(expired).body(openBody(id)).post("/accounts"), "Bearer error=\"invalid_token\"");
        unauthorized(as(expired).get("/accounts"), "Bearer error=\"invalid_token\"");

        assertNothingWritten(records, id);
    }

    @Test
    void aTokenFromAnotherIssuerIsUnauthorized() {
        var foreign = Jwt.issuer("https://someone-else.test").upn("ada").groups(Set.of(READ, WRITE, ADMIN)).sign();

        unauthorized(as(foreign).get("/accounts"), "Bearer error=\"invalid_token\"");
        unauthorized(as(foreign).get("/admin/digest"), "Bearer error=\"invalid_token\"");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsUnauthorizedAndWritesNothing() {
        var forged = Jwt.issuer(JwtAuth.ISSUER).upn("mallory").groups(Set.of(READ, WRITE, ADMIN))
                .sign(JwtAuth.newKeyPair().getPrivate());
        var id = newId("acct");
        long records = TopicProbe.recordCount();

        unauthorized(as(forged).body(openBody(id)).post("/accounts"), "Bearer error=\"invalid_token\"");
        unauthorized(as(forged).get("/admin/digest"), "Bearer error=\"invalid_token\"");
        unauthorized(as("not.a.jwt").get("/accounts"), "Bearer error=\"invalid_token\"");

        assertNothingWritten(records, id);
    }

    // ---------------------------------------------------------------- roles: 403

    @Test
    void readMayGetButNotPost() {
        var id = open();
        var read = token(READ);

        as(read).get("/accounts/" + id).then().statusCode(200).body("accountId", equalTo(id));
        as(read).get("/accounts").then().statusCode(200);
        as(read).get("/transfers/" + newId("t")).then().statusCode(404);
        as(read).get("/commands/" + newId("c")).then().statusCode(404);

        var newAccount = newId("acct");
        long records = TopicProbe.recordCount();
        forbidden(as(read).body(openBody(newAccount)).post("/accounts"));
        forbidden(as(read).body(Map.of("amount", 100)).post("/accounts/" + id + "/deposits"));
        forbidden(as(read).body(Map.of("from", id, "to", id + "x", "amount", 1)).post("/transfers"));
        assertNothingWritten(records, newAccount);
        as(read).get("/accounts/" + id).then().statusCode(200).body("balance", equalTo(0)).body("version", equalTo(1));

        forbidden(as(read).get("/admin/digest"));
    }

    @Test
    void writeMayPostAndGetButNotAdmin() {
        var write = token(WRITE);
        var from = newId("acct");
        var to = newId("acct");

        as(write).body(openBody(from)).post("/accounts").then().statusCode(201);
        as(write).body(openBody(to)).post("/accounts").then().statusCode(201);
        as(write).body(Map.of("amount", 500)).post("/accounts/" + from + "/deposits").then().statusCode(200)
                .body("balance", equalTo(500));
        as(write).body(Map.of("amount", 100)).post("/accounts/" + from + "/withdrawals").then().statusCode(200)
                .body("balance", equalTo(400));
        var transferId = as(write).body(Map.of("from", from, "to", to, "amount", 150)).post("/transfers").then()
                .statusCode(201).body("status", equalTo("COMPLETED")).extract().path("transferId");

        as(write).get("/accounts/" + to).then().statusCode(200).body("balance", equalTo(150));
        as(write).get("/transfers/" + transferId).then().statusCode(200).body("status", equalTo("COMPLETED"));

        forbidden(as(write).get("/admin/digest"));
    }

    @Test
    void adminMayUseAdminOnly() {
        var admin = token(ADMIN);

        as(admin).get("/admin/digest").then().statusCode(200).body("mode", equalTo("replay"));

        var id = newId("acct");
        long records = TopicProbe.recordCount();
        forbidden(as(admin).body(openBody(id)).post("/accounts"));
        forbidden(as(admin).get("/accounts"));
        assertNothingWritten(records, id);
    }

    @Test
    void aTokenWithoutRolesIsForbidden() {
        var none = Jwt.issuer(JwtAuth.ISSUER).upn("ada").sign();
        var id = newId("acct");
        long records = TopicProbe.recordCount();

        forbidden(as(none).get("/accounts"));
        forbidden(as(none).body(openBody(id)).post("/accounts"));

        assertNothingWritten(records, id);
    }

    // ---------------------------------------------------------------- open endpoints

    @Test
    void healthMetricsAndOpenApiStayOpenWhateverTheToken() {
        for (var request : new RequestSpecification[] {given(), as("not.a.jwt")}) {
            request.get("/q/health/live").then().statusCode(200);
            request.get("/q/health/ready").then().statusCode(200);
            request.get("/q/health/started").then().statusCode(200);
            request.get("/q/metrics").then().statusCode(200);
            request.get("/q/openapi").then().statusCode(200);
            request.get("/q/swagger-ui/").then().statusCode(200);
        }
    }

    @Test
    void theApiDescriptionDeclaresTheBearerSchemeAndEachOperationsRoles() {
        var openApi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();

        assertThat(openApi.getString("components.securitySchemes.bearer.type")).isEqualTo("http");
        assertThat(openApi.getString("components.securitySchemes.bearer.scheme")).isEqualTo("bearer");
        assertThat(openApi.getList("paths.'/accounts'.post.security.bearer.flatten()")).containsExactly(WRITE);
        assertThat(openApi.getList("paths.'/accounts/{id}'.get.security.bearer.flatten()")).containsExactly(READ, WRITE);
        assertThat(openApi.getList("paths.'/admin/digest'.get.security.bearer.flatten()")).containsExactly(ADMIN);
    }

    // ---------------------------------------------------------------- helpers

    static String token(String... roles) {
        return Jwt.issuer(JwtAuth.ISSUER).upn("ada").groups(Set.of(roles)).sign();
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static Map<String, String> openBody(String id) {
        return Map.of("accountId", id, "owner", "Ada", "currency", "EUR");
    }

    /** Opens an account with a write token and returns its id. */
    static String open() {
        var id = newId("acct");
        as(token(WRITE)).body(openBody(id)).post("/accounts").then().statusCode(201);
        return id;
    }

    static void unauthorized(io.restassured.response.Response response, String challenge) {
        problem(response.then(), 401, "urn:ledger:problem:unauthorized").header("WWW-Authenticate", challenge);
    }

    static void forbidden(io.restassured.response.Response response) {
        problem(response.then(), 403, "urn:ledger:problem:forbidden").body("detail", containsString("ledger-"));
    }

    static ValidatableResponse problem(ValidatableResponse response, int status, String type) {
        return response.statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo(type))
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", containsString("nothing was written"));
    }

    /** The topic holds no more records than before, and the account the request named does not exist. */
    static void assertNothingWritten(long recordsBefore, String accountId) {
        assertThat(TopicProbe.recordCount()).isEqualTo(recordsBefore);
        as(token(READ)).get("/accounts/" + accountId).then().statusCode(404);
    }
}
