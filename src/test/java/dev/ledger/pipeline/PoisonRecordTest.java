package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.account;
import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import dev.ledger.domain.EventType;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class PoisonRecordTest {

    @Inject
    MeterRegistry metrics;

    private double skipped(String reason) {
        return metrics.get("ledger.records.skipped").tag("reason", reason).counter().count();
    }

    /** An envelope as a producer other than this service might write it, with every field given but the version (so 1). */
    static byte[] envelope(String type, String accountId, String commandId, String data) {
        return ("{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"accountId\":\"" + accountId
                + "\",\"commandId\":\"" + commandId + "\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":" + data + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** As {@link #envelope(String, String, String, String)}, at version {@code v}. */
    static byte[] envelope(String type, String accountId, String commandId, String data, int v) {
        var unversioned = new String(envelope(type, accountId, commandId, data), StandardCharsets.UTF_8);
        return unversioned.replaceFirst(",", ",\"v\":" + v + ",").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Records that decode but break the record rules: group mode could not store several of them
     * (PostgreSQL refuses NUL, a btree row has a size limit, a notification 8,000 bytes), and a key
     * that is not the account would put an account's events on two partitions. Both modes skip them
     * all, and the partition they share with a good account goes on.
     */
    @Test
    void recordsThatBreakTheRecordRulesAreSkippedAndTheirPartitionGoesOn() {
        var id = openWith(100, "EUR");
        var victim = openWith(100, "EUR");
        double invalid = skipped("invalid");
        var newAccount = newId("forged");
        var opening = (java.util.function.Function<String, String>) owner -> "{\"owner\":\"" + owner + "\",\"currency\":\"EUR\"}";

        TopicProbe.write(List.of(
                TopicProbe.record(newAccount, envelope("AccountOpenRequested", newAccount, "c-nul", opening.apply("a\\u0000b"))),
                TopicProbe.record(newAccount, envelope("AccountOpenRequested", newAccount, "c-long-owner", opening.apply("x".repeat(9_000)))),
                TopicProbe.record(newAccount, envelope("AccountOpenRequested", newAccount, "c".repeat(3_000), opening.apply("Ada"))),
                TopicProbe.record(newAccount, envelope("AccountOpenRequested", newAccount, "c-surrogate", opening.apply("a\\ud800b"))),
                TopicProbe.record(id, envelope("DepositRequested", id, "c-ref", "{\"amount\":1,\"reference\":\"tab\\there\"}")),
                TopicProbe.record(id, envelope("TransferRequested", id, "c-transfer-ref",
                        "{\"transferId\":\"t-ref\",\"to\":\"" + victim + "\",\"amount\":1,\"reference\":\"tab\\there\"}", 2)),
                TopicProbe.record(victim, envelope("TransferCreditRequested", victim, "c-credit-ref",
                        "{\"transferId\":\"t-ref\",\"from\":\"" + id + "\",\"amount\":1,\"currency\":\"EUR\",\"reference\":\""
                                + "r".repeat(201) + "\"}", 2)),
                TopicProbe.record(id, envelope("DepositRequested", victim, "c-wrong-key", "{\"amount\":7}")),
                TopicProbe.record("..", envelope("AccountOpenRequested", "..", "c-dots", opening.apply("Ada")))));

        deposit(id, 50).statusCode(200).body("balance", equalTo(150)).body("version", equalTo(3));
        deposit(victim, 1).statusCode(200).body("balance", equalTo(101));
        account(newAccount).statusCode(404);
        assertThat(skipped("invalid")).isEqualTo(invalid + 9);
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

    /**
     * A later release wrote a version of a known type that this one does not know: it is skipped
     * as an unknown type (and dead-lettered so in group mode), never read as an older version;
     * a version that is no version at all is malformed.
     */
    @Test
    void anEventVersionNewerThanThisReleaseKnowsIsSkippedAsAnUnknownType() {
        var id = openWith(100, "EUR");
        var receiver = openWith(0, "EUR");
        double unknownType = skipped("unknown-type");
        double malformed = skipped("malformed");
        int transferVersion = EventType.TRANSFER_REQUESTED.version();

        TopicProbe.write(List.of(
                TopicProbe.record(id, envelope("DepositRequested", id, "c-v2", "{\"amount\":7}", EventType.DEPOSIT_REQUESTED.version() + 1)),
                TopicProbe.record(id, envelope("TransferRequested", id, "c-v-next",
                        "{\"transferId\":\"t-next\",\"to\":\"" + receiver + "\",\"amount\":5}", transferVersion + 1)),
                TopicProbe.record(id, envelope("DepositRequested", id, "c-v0", "{\"amount\":7}", 0))));

        deposit(id, 50).statusCode(200).body("balance", equalTo(150)).body("version", equalTo(3));
        account(receiver).body("balance", equalTo(0));
        assertThat(skipped("unknown-type")).isEqualTo(unknownType + 2);
        assertThat(skipped("malformed")).isEqualTo(malformed + 1);
    }
}
