package dev.ledger.tracing;

import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.openWith;
import static dev.ledger.LedgerClient.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * One trace from a mutation's POST, through its record on the topic, to its apply by the consumer;
 * a transfer's follow-up continues the transfer's trace. Replay mode here, group mode in
 * {@link GroupModeTracingTest}.
 */
@QuarkusTest
@TestProfile(Traced.class)
@WithTestResource(KafkaBrokerResource.class)
class TracingTest {

    static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("ledger.event.type");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("ledger.event.id");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aDepositIsOneTraceFromThePostThroughItsRecordToItsApply() {
        var account = openWith(0, "EUR");
        deposit(account, 250).statusCode(200).body("balance", equalTo(250));

        var server = awaitSpan(span -> span.getKind() == SpanKind.SERVER
                && ("/accounts/" + account + "/deposits").equals(span.getAttributes().get(URL_PATH)));
        var produced = awaitSpan(childOf(server, SpanKind.PRODUCER));
        var applied = awaitSpan(childOf(produced, SpanKind.CONSUMER));

        assertThat(List.of(server, produced, applied)).extracting(SpanData::getTraceId).containsOnly(server.getTraceId());
        assertThat(applied.getName()).isEqualTo("ledger-events apply");
        assertThat(applied.getAttributes().get(EVENT_TYPE)).isEqualTo("DepositRequested");
        assertThat(spansMatching(childOf(produced, SpanKind.CONSUMER))).as("one apply per record").hasSize(1);
    }

    @Test
    void aTransfersFollowUpIsAppliedInTheTransfersTrace() {
        var from = openWith(1_000, "EUR");
        var to = openWith(0, "EUR");
        transfer(from, to, 300).statusCode(201).body("status", equalTo("COMPLETED"));

        var server = awaitSpan(span -> span.getKind() == SpanKind.SERVER && "/transfers".equals(span.getAttributes().get(URL_PATH))
                && spansMatching(childOf(span, SpanKind.PRODUCER)).size() == 1);
        var transferApplied = awaitSpan(childOf(awaitSpan(childOf(server, SpanKind.PRODUCER)), SpanKind.CONSUMER));
        assertThat(transferApplied.getAttributes().get(EVENT_TYPE)).isEqualTo("TransferRequested");

        var creditProduced = awaitSpan(childOf(transferApplied, SpanKind.PRODUCER));
        var creditApplied = awaitSpan(childOf(creditProduced, SpanKind.CONSUMER));
        assertThat(creditApplied.getAttributes().get(EVENT_TYPE)).isEqualTo("TransferCreditRequested");
        assertThat(creditApplied.getTraceId()).isEqualTo(server.getTraceId());
    }

    static Predicate<SpanData> childOf(SpanData parent, SpanKind kind) {
        return span -> span.getKind() == kind && span.getTraceId().equals(parent.getTraceId())
                && span.getParentSpanId().equals(parent.getSpanId());
    }

    List<SpanData> spansMatching(Predicate<SpanData> wanted) {
        return spans.getFinishedSpanItems().stream().filter(wanted).toList();
    }

    SpanData awaitSpan(Predicate<SpanData> wanted) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> spansMatching(wanted).stream().findFirst(), Optional::isPresent).orElseThrow();
    }
}
