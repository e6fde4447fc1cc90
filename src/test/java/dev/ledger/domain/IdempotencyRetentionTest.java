package dev.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdempotencyRetentionTest {

    private static final IdempotencyRetention DAY = new IdempotencyRetention(Duration.ofHours(24));

    @Test
    void aRetentionBelowADayIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new IdempotencyRetention(Duration.ofHours(23)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEDGER_IDEMPOTENCY_RETENTION")
                .hasMessageContaining("PT23H")
                .hasMessageContaining("PT24H");
    }

    @Test
    void aRecordIsKeptUntilTheNewestEventIsMoreThanTheRetentionPastIt() {
        long recorded = IdempotencyRetention.micros(Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(DAY.kept(recorded, IdempotencyRetention.micros(Instant.parse("2026-01-02T00:00:00Z")))).isTrue();
        assertThat(DAY.kept(recorded, IdempotencyRetention.micros(Instant.parse("2026-01-02T00:00:00.000001Z")))).isFalse();
        assertThat(DAY.kept(recorded, IdempotencyRetention.micros(Instant.parse("2025-01-01T00:00:00Z")))).isTrue();
    }

    @Test
    void eventTimesAreWholeMicrosecondsSaturatedAtTheEnds() {
        assertThat(IdempotencyRetention.micros(Instant.parse("1970-01-01T00:00:01.000001999Z"))).isEqualTo(1_000_001L);
        assertThat(IdempotencyRetention.micros(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
        assertThat(IdempotencyRetention.micros(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
        assertThat(DAY.horizon(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }
}
