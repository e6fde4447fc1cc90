package dev.ledger.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tracing on, with no collector: the spans go to an {@link InMemorySpanExporter} bean (picked up by
 * Quarkus' default {@code cdi} exporter) instead of OTLP, and are exported every 50 ms.
 */
public class Traced implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        var overrides = new HashMap<String, String>();
        overrides.put("quarkus.otel.sdk.disabled", "false");
        overrides.put("quarkus.otel.exporter.otlp.enabled", "false");
        overrides.put("quarkus.otel.bsp.schedule.delay", "50ms");
        return overrides;
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(InMemorySpans.class);
    }

    /** The same in group mode, with {@code @WithTestResource(PostgresResource.class)}. */
    public static class InGroupMode extends Traced {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("ledger.mode", "group");
            return overrides;
        }
    }

    /** Only in this profile: elsewhere the SDK is off and needs no exporter. */
    @Alternative
    @ApplicationScoped
    public static class InMemorySpans {
        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }
}
