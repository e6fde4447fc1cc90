package dev.ledger.pipeline;

import dev.ledger.domain.LedgerEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.smallrye.reactive.messaging.kafka.tracing.KafkaTrace;
import io.smallrye.reactive.messaging.kafka.tracing.KafkaTraceTextMapGetter;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Apply spans for the consumers' own Kafka loops, which the SmallRye connector does not trace: a
 * record whose headers carry a W3C trace context (written by the connector's producer span) gets a
 * consumer span, child of that producer span, around its apply. Records without one, and records
 * the consumers do not ask about (a replay rebuilding its state, a group instance catching up on a
 * backlog), cost nothing here, and nothing does while the SDK is off (no OTLP endpoint: Quarkus'
 * disabled SDK would still record spans, and drop them); see README.md, "Tracing".
 */
@Singleton
public class RecordTracing {

    private static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean off;

    RecordTracing(OpenTelemetry openTelemetry, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean sdkDisabled) {
        this.tracer = openTelemetry.getTracer("dev.ledger");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.off = sdkDisabled;
    }

    /**
     * Starts the apply span of a record that carries a trace context.
     *
     * @return the context holding the started span, to end with {@link #end} and to parent the
     *         follow-ups the apply decides; null when the record carries no trace context or
     *         tracing is off
     */
    public Context startApply(ConsumerRecord<?, ?> record, LedgerEvent event) {
        if (off || record.headers().lastHeader(TRACEPARENT) == null) {
            return null;
        }
        var carrier = new KafkaTrace.Builder().withTopic(record.topic()).withPartition(record.partition())
                .withOffset(record.offset()).withHeaders(record.headers()).build();
        var parent = propagator.extract(Context.root(), carrier, KafkaTraceTextMapGetter.INSTANCE);
        var span = tracer.spanBuilder(record.topic() + " apply")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute("ledger.event.type", event.type().wireName())
                .setAttribute("ledger.event.id", event.eventId())
                .startSpan();
        return parent.with(span);
    }

    /** Ends an apply span started by {@link #startApply}; nothing for a record without one (null). */
    public static void end(Context applied) {
        if (applied != null) {
            Span.fromContext(applied).end();
        }
    }

    /** Ends an apply span as failed: the record was skipped, stalled its partition, or its batch failed. */
    public static void fail(Context applied, Throwable failure) {
        if (applied != null) {
            var span = Span.fromContext(applied);
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, failure.getMessage());
            span.end();
        }
    }
}
