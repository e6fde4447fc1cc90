package dev.ledger.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Traces are exported only where a collector was named: without an OTLP endpoint the OpenTelemetry
 * SDK is off ({@code quarkus.otel.sdk.disabled=true}), so nothing is exported and nothing tries
 * {@code localhost:4317} and logs its failures. The Kafka channels' own tracing is turned off with
 * it: Quarkus' disabled SDK still records and propagates the spans the connector asks for, which
 * would put a {@code traceparent} header on every record for nothing. Either
 * Quarkus' {@code QUARKUS_OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT} or OpenTelemetry's own
 * {@code OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT} turns it on; the latter is handed to Quarkus, which
 * does not read it. An explicit {@code quarkus.otel.sdk.disabled} wins over both.
 */
public class TracingConfigSourceFactory implements ConfigSourceFactory {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

    /** The outgoing channels (application.properties) whose producer spans and headers follow the SDK. */
    static final List<String> CHANNELS = List.of("ledger-events", "ledger-dead-letters");

    /** Below application.properties (250), where a user's own setting wins. */
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> settings = new HashMap<>();
        String endpoint = valueOf(context, ENDPOINT);
        String tracesEndpoint = valueOf(context, TRACES_ENDPOINT);
        String otelEndpoint = valueOf(context, "OTEL_EXPORTER_OTLP_ENDPOINT");
        String otelTracesEndpoint = valueOf(context, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (endpoint == null && otelEndpoint != null) {
            settings.put(ENDPOINT, otelEndpoint);
        }
        if (tracesEndpoint == null && otelTracesEndpoint != null) {
            settings.put(TRACES_ENDPOINT, otelTracesEndpoint);
        }
        boolean anyEndpoint = endpoint != null || tracesEndpoint != null || otelEndpoint != null || otelTracesEndpoint != null;
        String explicit = valueOf(context, SDK_DISABLED);
        boolean on = explicit == null ? anyEndpoint : !Boolean.parseBoolean(explicit);
        // Explicit either way: the build records the value it saw as a default of the packaged application.
        settings.put(SDK_DISABLED, Boolean.toString(!on));
        CHANNELS.forEach(channel -> settings.put("mp.messaging.outgoing." + channel + ".tracing-enabled", Boolean.toString(on)));
        return List.of(new PropertiesConfigSource(settings, "LedgerTracing", ORDINAL));
    }

    /**
     * A value someone set: Quarkus' own defaults (an OTLP endpoint of {@code localhost:4317}) come
     * from sources of negative ordinal, and name no collector.
     */
    private static String valueOf(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() || value.getConfigSourceOrdinal() <= 0
                ? null : value.getValue();
    }
}
