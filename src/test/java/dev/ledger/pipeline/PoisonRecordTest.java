package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class PoisonRecordTest {

    @Inject
    MeterRegistry metrics;

    private double skipped(String reason) {
        return metrics.get("ledger.records.skipped").tag("reason", reason).counter().count();
    }

    @Test
    void brokenRecordsAreSkippedAndCountedWhileLaterEventsStillApply() {
        var id = openWith(100, "EUR");
        double malformed = skipped("malformed");
        double unknownType = skipped("unknown-type");
        double invalid = skipped("invalid");

        TopicProbe.write(List.of(
                TopicProbe.record(id, new byte[] {0, (byte) 0xff, 42}),
                TopicProbe.record(id, "{\"eventId\":\"e1\",\"type\":\"DepositRequested\",\"accou".getBytes(StandardCharsets.UTF_8)),
                TopicProbe.record(id, ("{\"eventId\":\"e2\",\"type\":\"AccountClosed\",\"accountId\":\"" + id
                        + "\",\"commandId\":\"c2\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{}}").getBytes(StandardCharsets.UTF_8)),
                TopicProbe.record(id, ("{\"eventId\":\"e3\",\"type\":\"DepositRequested\",\"accountId\":\"" + id
                        + "\",\"commandId\":\"c3\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"amount\":-5}}").getBytes(StandardCharsets.UTF_8)),
                TopicProbe.record(id, null)));

        deposit(id, 50).statusCode(200).body("balance", equalTo(150)).body("version", equalTo(3));
        account(id).body("balance", equalTo(150));
        assertThat(skipped("malformed")).isEqualTo(malformed + 3);
        assertThat(skipped("unknown-type")).isEqualTo(unknownType + 1);
        assertThat(skipped("invalid")).isEqualTo(invalid + 1);
    }
}
