package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.command.Outcomes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PgNotificationsTest {

    @Test
    void aBatchsPayloadsArePackedIntoFewNotificationsEachUnderPostgresLimit() {
        var payloads = IntStream.range(0, 5_000).mapToObj(i -> "c{\"commandId\":\"" + i + "\",\"owner\":\"Zoë\"}").toList();

        var packed = PgNotifications.packed(new Outcomes(), payloads);

        assertThat(packed).hasSizeLessThan(payloads.size() / 50);
        assertThat(packed).allSatisfy(notification -> assertThat(notification.getBytes(StandardCharsets.UTF_8).length).isLessThan(8_000));
        assertThat(packed.stream().flatMap(notification -> List.of(notification.split("\n")).stream().skip(1)).toList()).isEqualTo(payloads);
    }

    @Test
    void anInstanceSkipsWhatItsOwnConsumersAnnounceAndReadsWhatOthersDo() {
        var here = new Outcomes();
        var elsewhere = new Outcomes();

        assertThat(PgNotifications.packed(here, List.of("cA", "tacc-1 T1"))).singleElement()
                .satisfies(notification -> assertThat(PgNotifications.fromElsewhere(notification, here)).isFalse());
        assertThat(PgNotifications.packed(elsewhere, List.of("cA", "tacc-1 T1"))).singleElement()
                .satisfies(notification -> assertThat(PgNotifications.fromElsewhere(notification, here)).isTrue());
    }

    @Test
    void noPayloadsMakeNoNotification() {
        assertThat(PgNotifications.packed(new Outcomes(), List.of())).isEmpty();
    }
}
