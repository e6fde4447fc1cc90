package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsumerScalingTest {

    private static final long BACKLOG = 1_000;
    private static final long WAIT = Duration.ofSeconds(10).toNanos();
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final ConsumerScaling scaling = new ConsumerScaling(3, 1, BACKLOG, WAIT);

    @Test
    void aNewInstanceStartsWithEveryConsumerForTheBacklogItMayFace() {
        assertThat(scaling.initial()).isEqualTo(3);
    }

    @Test
    void aCaughtUpInstanceRunsFewerConsumersOnlyOnceTheWaitHasPassed() {
        assertThat(scaling.consumers(3, 0, 0)).isEqualTo(3);
        assertThat(scaling.consumers(3, BACKLOG, WAIT - 1)).isEqualTo(3);
        assertThat(scaling.consumers(3, 10, WAIT)).isEqualTo(1);
    }

    @Test
    void aBacklogDuringTheWaitStartsItAgain() {
        scaling.consumers(3, 0, 0);
        assertThat(scaling.consumers(3, BACKLOG + 1, 5 * SECOND)).isEqualTo(3);
        assertThat(scaling.consumers(3, 0, 6 * SECOND)).isEqualTo(3);
        assertThat(scaling.consumers(3, 0, WAIT + 5 * SECOND)).isEqualTo(3);
        assertThat(scaling.consumers(3, 0, WAIT + 6 * SECOND)).isEqualTo(1);
    }

    @Test
    void anUnsettledBacklogChangesNothingAndStartsTheWaitAgain() {
        scaling.consumers(3, 0, 0);
        assertThat(scaling.consumers(3, ConsumerScaling.UNSETTLED, WAIT)).isEqualTo(3);
        assertThat(scaling.consumers(3, 0, WAIT + SECOND)).isEqualTo(3);
        assertThat(scaling.consumers(1, ConsumerScaling.UNSETTLED, 0)).isEqualTo(1);
    }

    @Test
    void aBacklogBringsBackEveryConsumer() {
        assertThat(scaling.consumers(1, BACKLOG, 0)).isEqualTo(1);
        assertThat(scaling.consumers(1, BACKLOG + 1, SECOND)).isEqualTo(3);
    }

    @Test
    void moreCaughtUpConsumersThanBusyOnesMeanTheBusyCountAlways() {
        var constant = new ConsumerScaling(2, 4, BACKLOG, WAIT);
        assertThat(constant.consumers(2, 0, 0)).isEqualTo(2);
        assertThat(constant.consumers(2, 0, 2 * WAIT)).isEqualTo(2);
        assertThat(constant.consumers(2, BACKLOG + 1, 3 * WAIT)).isEqualTo(2);
    }
}
