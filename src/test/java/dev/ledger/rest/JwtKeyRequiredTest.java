package dev.ledger.rest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** {@code LEDGER_AUTH=jwt} without a key to verify tokens with: the service refuses to start, and says why. */
class JwtKeyRequiredTest {

    @Test
    void jwtWithoutAKeyFailsWithAMessageNamingTheSettings() {
        assertThatThrownBy(() -> AccessControl.requireKey(config(Map.of("mp.jwt.verify.issuer", "https://issuer"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LEDGER_AUTH=jwt")
                .hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY ")
                .hasMessageContaining("MP_JWT_VERIFY_PUBLICKEY_LOCATION")
                .hasMessageContaining("LEDGER_AUTH=none");
        assertThatThrownBy(() -> AccessControl.requireKey(config(Map.of("mp.jwt.verify.publickey.location", " "))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void eitherKeySettingIsEnough() {
        for (var key : new String[] {"mp.jwt.verify.publickey", "mp.jwt.verify.publickey.location"}) {
            assertThatCode(() -> AccessControl.requireKey(config(Map.of(key, "x", "mp.jwt.verify.issuer", "https://issuer"))))
                    .as(key).doesNotThrowAnyException();
        }
    }

    private static Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    }
}
