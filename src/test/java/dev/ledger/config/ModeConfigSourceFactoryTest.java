package dev.ledger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class ModeConfigSourceFactoryTest {

    private static final String REACTIVE_URL = "postgresql://db.example:5433/ledger";

    @Test
    void replayIsTheDefaultAndTurnsTheDatabaseOff() {
        SmallRyeConfig config = configWith(Map.of());

        assertThat(value(config, "quarkus.datasource.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.flyway.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.flyway.migrate-at-start")).isEqualTo("false");
    }

    @Test
    void replayModeStaysOffTheDatabaseWhateverElseIsConfigured() {
        // Given as system properties (400), the strongest source a user usually has.
        SmallRyeConfig config = configWith(Map.of(
                "ledger.mode", "replay",
                "quarkus.datasource.reactive.url", REACTIVE_URL,
                "quarkus.datasource.active", "true",
                "quarkus.flyway.migrate-at-start", "true"));

        assertThat(value(config, "quarkus.datasource.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.flyway.migrate-at-start")).isEqualTo("false");
    }

    @Test
    void aMistypedModeStaysOffTheDatabase() {
        assertThat(value(configWith(Map.of("ledger.mode", "groups")), "quarkus.datasource.active")).isEqualTo("false");
    }

    @Test
    void groupModeMigratesAtStartOverJdbcAtTheReactiveAddress() {
        SmallRyeConfig config = configWith(Map.of("ledger.mode", "GROUP", "quarkus.datasource.reactive.url", REACTIVE_URL));

        // Said explicitly: the packaged application holds replay's values as recorded build-time defaults.
        assertThat(value(config, "quarkus.datasource.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.flyway.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.flyway.migrate-at-start")).isEqualTo("true");
        assertThat(value(config, "quarkus.datasource.jdbc.url")).isEqualTo("jdbc:postgresql://db.example:5433/ledger");
    }

    @Test
    void groupModeKeepsTheUsersOwnSettings() {
        SmallRyeConfig config = configWith(Map.of(
                "ledger.mode", "group",
                "quarkus.datasource.reactive.url", REACTIVE_URL,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://migrations.example/ledger",
                "quarkus.flyway.migrate-at-start", "false"));

        assertThat(value(config, "quarkus.datasource.jdbc.url")).isEqualTo("jdbc:postgresql://migrations.example/ledger");
        assertThat(value(config, "quarkus.flyway.migrate-at-start")).isEqualTo("false");
    }

    @Test
    void groupModesProducerLingersLongerThanReplayModes() {
        assertThat(value(configWith(Map.of("ledger.mode", "group", "quarkus.datasource.reactive.url", REACTIVE_URL)),
                ModeConfigSourceFactory.LINGER)).isEqualTo("5");
        assertThat(value(configWith(Map.of()), ModeConfigSourceFactory.LINGER)).isEqualTo("1");
    }

    @Test
    void aConfiguredLingerWinsInEitherMode() {
        assertThat(value(configWith(Map.of("ledger.mode", "group", ModeConfigSourceFactory.LINGER, "0")),
                ModeConfigSourceFactory.LINGER)).isEqualTo("0");
        assertThat(value(configWith(Map.of("ledger.mode", "replay", ModeConfigSourceFactory.LINGER, "20")),
                ModeConfigSourceFactory.LINGER)).isEqualTo("20");
    }

    @Test
    void theJdbcUrlKeepsParametersAndTakesCredentialsAsParameters() {
        assertThat(ModeConfigSourceFactory.jdbcUrlOf("postgres://db/ledger?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db/ledger?sslmode=require");
        assertThat(ModeConfigSourceFactory.jdbcUrlOf("vertx-reactive:postgresql://app:s%40cret@db:5432/ledger"))
                .isEqualTo("jdbc:postgresql://db:5432/ledger?user=app&password=s%40cret");
        assertThat(ModeConfigSourceFactory.jdbcUrlOf("postgresql://db-1/ledger,postgresql://db-2/ledger"))
                .isEqualTo("jdbc:postgresql://db-1/ledger");
    }

    private static SmallRyeConfig configWith(Map<String, String> systemProperties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(new HashMap<>(systemProperties), "test", 400))
                .withSources(new ModeConfigSourceFactory())
                .build();
    }

    private static String value(SmallRyeConfig config, String name) {
        return config.getOptionalValue(name, String.class).orElse(null);
    }
}
