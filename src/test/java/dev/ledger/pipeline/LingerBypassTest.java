package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LingerBypassTest {

    private static final long MILLI = 1_000_000;

    /** One event every {@code gapMillis} for a second, counted; returns whether the last found the rate quiet. */
    private static boolean publishEvery(LingerBypass bypass, double gapMillis) {
        boolean quiet = true;
        for (int i = 0; i < 1000 / gapMillis; i++) {
            quiet = bypass.quietAt((long) (i * gapMillis * MILLI));
        }
        return quiet;
    }

    @Test
    void eventsPublishedBelowTheBatchingRateAreSentAtOnce() {
        assertThat(publishEvery(new LingerBypass(null, 400), 5)).isTrue();
    }

    @Test
    void eventsPublishedAboveTheBatchingRateAreLeftToTheLinger() {
        assertThat(publishEvery(new LingerBypass(null, 400), 1)).isFalse();
    }

    @Test
    void aRateThatDropsIsQuietAgainWithinAFewTenthsOfASecond() {
        var bypass = new LingerBypass(null, 400);
        publishEvery(bypass, 1);

        assertThat(bypass.quietAt(1_300 * MILLI)).isTrue();
    }

    @Test
    void aLoneBurstAfterQuietIsSentAtOnce() {
        var bypass = new LingerBypass(null, 400);

        for (int i = 0; i < 30; i++) {
            assertThat(bypass.quietAt(0)).isTrue();
        }
    }

    @Test
    void aBatchingRateOfZeroAlwaysLingers() {
        assertThat(new LingerBypass(null, 0).quietAt(0)).isFalse();
    }
}
