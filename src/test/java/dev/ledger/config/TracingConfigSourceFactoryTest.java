package dev.ledger.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigSourceFactoryTest {

    private static final String COLLECTOR = "http://collector.example:4317";

    @Test
    void withoutAnEndpointTheSdkIsOffAndNothingIsExported() {
        SmallRyeConfig config = configWith(Map.of());

        assertThat(value(config, "quarkus.otel.sdk.disabled")).isEqualTo("true");
        assertThat(value(config, "mp.messaging.outgoing.ledger-events.tracing-enabled")).isEqualTo("false");
        assertThat(value(config, "mp.messaging.outgoing.ledger-dead-letters.tracing-enabled")).isEqualTo("false");
    }

    @Test
    void quarkusOwnDefaultEndpointNamesNoCollector() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://localhost:4317/"),
                        "DefaultValuesConfigSource", Integer.MIN_VALUE))
                .withSources(new TracingConfigSourceFactory())
                .build();

        assertThat(value(config, "quarkus.otel.sdk.disabled")).isEqualTo("true");
    }

    @Test
    void theQuarkusEndpointTurnsTracingOn() {
        assertThat(value(configWith(Map.of("quarkus.otel.exporter.otlp.endpoint", COLLECTOR)), "quarkus.otel.sdk.disabled"))
                .isEqualTo("false");
        assertThat(value(configWith(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", COLLECTOR)),
                "quarkus.otel.sdk.disabled")).isEqualTo("false");
    }

    @Test
    void openTelemetrysOwnVariableTurnsTracingOnAndIsHandedToQuarkus() {
        SmallRyeConfig config = configWith(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", COLLECTOR));

        assertThat(value(config, "quarkus.otel.sdk.disabled")).isEqualTo("false");
        assertThat(value(config, "quarkus.otel.exporter.otlp.endpoint")).isEqualTo(COLLECTOR);
        assertThat(value(config, "mp.messaging.outgoing.ledger-events.tracing-enabled")).isEqualTo("true");
    }

    @Test
    void anExplicitSettingWins() {
        SmallRyeConfig config = configWith(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", COLLECTOR,
                "quarkus.otel.exporter.otlp.endpoint", "http://other.example:4317",
                "quarkus.otel.sdk.disabled", "true"));

        assertThat(value(config, "quarkus.otel.sdk.disabled")).isEqualTo("true");
        assertThat(value(config, "quarkus.otel.exporter.otlp.endpoint")).isEqualTo("http://other.example:4317");
        assertThat(value(config, "mp.messaging.outgoing.ledger-events.tracing-enabled")).isEqualTo("false");

        SmallRyeConfig withoutEndpoint = configWith(Map.of("quarkus.otel.sdk.disabled", "false"));
        assertThat(value(withoutEndpoint, "mp.messaging.outgoing.ledger-events.tracing-enabled")).isEqualTo("true");
    }

    private static SmallRyeConfig configWith(Map<String, String> systemProperties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(new HashMap<>(systemProperties), "test", 400))
                .withSources(new TracingConfigSourceFactory())
                .build();
    }

    private static String value(SmallRyeConfig config, String name) {
        return config.getOptionalValue(name, String.class).orElse(null);
    }
}
