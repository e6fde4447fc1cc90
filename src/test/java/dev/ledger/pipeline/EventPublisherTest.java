package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    @Test
    void aRecordTheEmittersFullBufferRefusesFailsAsRefused() {
        var event = new LedgerEvent("e1", "alice", "c1", Instant.parse("2025-03-04T05:06:07Z"), null, null,
                new Payload.DepositRequested(1, null));

        var failure = catchThrowable(() -> FullEmitter.publisher().publish(event).await().atMost(Duration.ofSeconds(5)));

        assertThat(failure).isInstanceOf(EventPublisher.PublishRefusedException.class)
                .hasMessageContaining("refused").hasRootCauseMessage("SRMSG00034: Insufficient downstream requests to emit item");
    }
}
