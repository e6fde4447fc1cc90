package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PgNotificationsTest {

    @Test
    void aBatchsPayloadsArePackedIntoFewNotificationsEachUnderPostgresLimit() {
        var payloads = IntStream.range(0, 5_000).mapToObj(i -> "c{\"commandId\":\"" + i + "\",\"owner\":\"Zoë\"}").toList();

        var packed = PgNotifications.packed(payloads);

        assertThat(packed).hasSizeLessThan(payloads.size() / 50);
        assertThat(packed).allSatisfy(notification -> assertThat(notification.getBytes(StandardCharsets.UTF_8).length).isLessThan(8_000));
        assertThat(packed.stream().flatMap(notification -> List.of(notification.split("\n")).stream()).toList()).isEqualTo(payloads);
    }

    @Test
    void noPayloadsMakeNoNotification() {
        assertThat(PgNotifications.packed(List.of())).isEmpty();
    }
}
