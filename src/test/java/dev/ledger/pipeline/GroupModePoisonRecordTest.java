package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.deposit;
import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import dev.ledger.TopicProbe;
import dev.ledger.domain.EventType;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** {@link PoisonRecordTest} again, in group mode, which also copies what it skips to the dead-letter topic. */
@QuarkusTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModePoisonRecordTest extends PoisonRecordTest {

    @Test
    void theDeadLetterTopicIsCreatedAtStartWithAsManyPartitionsAsTheEventTopic() {
        var deadLetterTopic = ConfigProvider.getConfig().getValue("ledger.dead-letter-topic", String.class);
        assertThat(TopicProbe.describe(deadLetterTopic).partitions()).isEqualTo(TopicProbe.describe(TopicProbe.topic()).partitions());
    }

    @Test
    void brokenRecordsAreCopiedToTheDeadLetterTopicWithTheirReasonAndOrigin() {
        var id = openWith(10, "EUR");
        var garbage = "not an event".getBytes(StandardCharsets.UTF_8);
        TopicProbe.write(List.of(TopicProbe.record(id, garbage)));
        deposit(id, 1).statusCode(200);

        var deadLetterTopic = ConfigProvider.getConfig().getValue("ledger.dead-letter-topic", String.class);
        var copies = TopicProbe.readAll(deadLetterTopic).stream().filter(record -> id.equals(record.key())).toList();
        assertThat(copies).hasSize(1);
        var copy = copies.get(0);
        assertThat(copy.value()).isEqualTo(garbage);
        assertThat(header(copy, DeadLetters.REASON)).isEqualTo("malformed");
        assertThat(header(copy, DeadLetters.SOURCE_TOPIC)).isEqualTo(TopicProbe.topic());
        assertThat(Integer.parseInt(header(copy, DeadLetters.SOURCE_PARTITION))).isBetween(0, 5);
        assertThat(Long.parseLong(header(copy, DeadLetters.SOURCE_OFFSET))).isPositive();
        assertThat(header(copy, DeadLetters.DETAIL)).isNotBlank();
    }

    /** Copied with reason unknown-type, so that the copies can be fed to a release that knows the version. */
    @Test
    void anEventVersionNewerThanThisReleaseKnowsIsCopiedAsAnUnknownType() {
        var id = openWith(10, "EUR");
        var future = envelope("DepositRequested", id, "c-future", "{\"amount\":7}", EventType.DEPOSIT_REQUESTED.version() + 1);
        TopicProbe.write(List.of(TopicProbe.record(id, future)));
        deposit(id, 1).statusCode(200).body("balance", equalTo(11));

        var deadLetterTopic = ConfigProvider.getConfig().getValue("ledger.dead-letter-topic", String.class);
        var copies = TopicProbe.readAll(deadLetterTopic).stream().filter(record -> id.equals(record.key())).toList();
        assertThat(copies).hasSize(1);
        assertThat(copies.get(0).value()).isEqualTo(future);
        assertThat(header(copies.get(0), DeadLetters.REASON)).isEqualTo("unknown-type");
        assertThat(header(copies.get(0), DeadLetters.DETAIL)).contains("version " + (EventType.DEPOSIT_REQUESTED.version() + 1));
    }

    /** A copy with the headers added would pass the broker's limit: it goes without its value, and the partition goes on. */
    @Test
    void aRecordTooLargeToCopyWholeIsCopiedWithoutItsValue() {
        var id = openWith(10, "EUR");
        var huge = new byte[1_048_000];
        Arrays.fill(huge, (byte) 'x');
        TopicProbe.write(List.of(TopicProbe.record(id, huge)));
        deposit(id, 1).statusCode(200).body("balance", equalTo(11));

        var deadLetterTopic = ConfigProvider.getConfig().getValue("ledger.dead-letter-topic", String.class);
        var copies = TopicProbe.readAll(deadLetterTopic).stream().filter(record -> id.equals(record.key())).toList();
        assertThat(copies).hasSize(1);
        assertThat(copies.get(0).value()).isNull();
        assertThat(header(copies.get(0), DeadLetters.VALUE_DROPPED)).isEqualTo(Integer.toString(huge.length));
        assertThat(header(copies.get(0), DeadLetters.REASON)).isEqualTo("malformed");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
