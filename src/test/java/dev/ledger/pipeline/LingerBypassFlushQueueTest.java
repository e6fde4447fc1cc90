package dev.ledger.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broker that stops answering holds a flush until the delivery times out: the events published
 * meanwhile must not queue a flush each, since the next one to start covers them all.
 */
class LingerBypassFlushQueueTest {

    private final LingerBypass bypass = new LingerBypass(null, 400);

    @AfterEach
    void stop() {
        bypass.stop();
    }

    @Test
    void eventsPublishedWhileAFlushWaitsQueueOneFlushBetweenThem() throws InterruptedException {
        var brokerAnswers = new CountDownLatch(1);
        var stuck = new FlushCounting(brokerAnswers);
        bypass.flushBehind(stuck);
        assertThat(stuck.started.await(10, TimeUnit.SECONDS)).as("the first flush started").isTrue();

        for (int event = 0; event < 100; event++) {
            bypass.flushBehind(stuck);
        }
        brokerAnswers.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> stuck.flushes.get() >= 2);
        // The flush queue runs in order: once a flush queued now has run, any queued for those events has.
        var last = new FlushCounting(new CountDownLatch(0));
        bypass.flushBehind(last);

        assertThat(last.started.await(10, TimeUnit.SECONDS)).as("the last flush ran").isTrue();
        assertThat(stuck.flushes).as("flushes of the stuck producer").hasValue(2);
    }

    /** A producer whose flush, like a real one's when the broker is silent, returns only once {@code answer} opens. */
    private static final class FlushCounting extends MockProducer<String, String> {
        final AtomicInteger flushes = new AtomicInteger();
        final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch answer;

        FlushCounting(CountDownLatch answer) {
            this.answer = answer;
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
            started.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
