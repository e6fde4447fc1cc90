package dev.ledger.rest;

import static dev.ledger.LedgerClient.openWith;
import static dev.ledger.LedgerClient.transfer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.config.LedgerConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class AdminResourceTest {

    @Inject
    LedgerConfig config;

    @Test
    void theDigestMatchesOneComputedFromTheAccountList() throws Exception {
        var from = openWith(500, "EUR");
        transfer(from, openWith(0, "EUR"), 200).statusCode(201);

        var digest = given().get("/admin/digest").then().statusCode(200).extract().jsonPath();
        var sha256 = MessageDigest.getInstance("SHA-256");
        long accounts = 0;
        long total = 0;
        String after = null;
        do {
            var request = given().queryParam("limit", 1000);
            var page = (after == null ? request : request.queryParam("after", after)).get("/accounts").then()
                    .statusCode(200).extract().jsonPath();
            for (Map<String, Object> account : page.<Map<String, Object>>getList("items")) {
                sha256.update((account.get("accountId") + "|" + account.get("balance") + "|" + account.get("version") + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                accounts++;
                total += ((Number) account.get("balance")).longValue();
            }
            after = page.getString("next");
        } while (after != null);

        assertThat(digest.getString("digest")).isEqualTo(HexFormat.of().formatHex(sha256.digest()));
        assertThat(digest.getLong("accounts")).isEqualTo(accounts);
        assertThat(digest.getLong("totalBalance")).isEqualTo(total);
        assertThat(digest.getString("mode")).isEqualTo(config.mode().name().toLowerCase());
        assertThat(positions(digest)).hasSize(6);
    }

    private static Map<String, Object> positions(JsonPath digest) {
        return digest.getMap("positions");
    }
}
