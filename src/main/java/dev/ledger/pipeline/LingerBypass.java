package dev.ledger.pipeline;

import dev.ledger.config.LedgerConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * Sends an event at once when this instance publishes few, instead of leaving it to the producer's
 * linger. The producer waits {@code linger.ms} (5 ms in group mode, see
 * {@code ModeConfigSourceFactory.LINGER}) to fill each produce request with the records of several
 * partitions: under load that makes fewer, larger produce requests, fetches and applying
 * transactions; under light load there is nothing to batch, and the wait only adds to every
 * request (group mode's p99 at 200/s: 23 to 24 ms with the wait, 9 to 12 with this bypass).
 * Kafka's producer cannot change its linger while it runs, so below
 * {@code LEDGER_PRODUCER_BATCHING_RATE} events a second this asks it to flush right behind each
 * event (BENCHMARKS.md, the results of stop 25).
 *
 * <p>Kafka's {@code flush()} returns only once the broker has answered for every record: it is
 * queued behind the event on the channel's sending thread, which hands it to a thread of its own.
 * Waiting on the sending thread held every send handed over meanwhile, REST mutations and
 * follow-ups alike, behind the broker's answer (BENCHMARKS.md, stop 28). While a flush waits,
 * the producer sends what it is given at once, lingering or not. A flush not started yet covers
 * every event handed over before it starts, so at most one waits in the queue: a broker that stops
 * answering holds one flush, not one per event.
 */
@ApplicationScoped
public class LingerBypass {

    private static final Logger LOG = Logger.getLogger(LingerBypass.class);
    /** How long an event counts in the rate: its weight falls by e every 100 ms, so a sustained rate counts, a lone burst hardly. */
    private static final double FADE_NANOS = Duration.ofMillis(100).toNanos();

    private final KafkaClientService clients;
    /** The events a rate just at the batching rate leaves counted, see {@link #recent}. */
    private final double batchingCount;
    /** Events published, each counting less the longer ago: the rate times {@link #FADE_NANOS}. */
    private double recent;
    private long at;
    private volatile KafkaProducer<?, ?> producer;
    private final ExecutorService flushes = Executors.newSingleThreadExecutor(task -> {
        var thread = new Thread(task, "ledger-producer-flush");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean flushQueued = new AtomicBoolean();

    @Inject
    LingerBypass(KafkaClientService clients, LedgerConfig config) {
        this(clients, config.producerBatchingRate());
    }

    /** @param batchingRate events a second from which the producer lingers; 0: always */
    LingerBypass(KafkaClientService clients, int batchingRate) {
        this.clients = clients;
        this.batchingCount = batchingRate * FADE_NANOS / Duration.ofSeconds(1).toNanos();
    }

    /**
     * Subscribes to {@code send}, which hands an event to the producer's sending thread, and, under
     * light load, queues a flush right behind it there: the producer sends what it holds without
     * waiting out its linger. Completes as {@code send} does.
     */
    Uni<Void> send(Uni<Void> send) {
        return Uni.createFrom().emitter(sent -> {
            var subscription = send.subscribe().with(sent::complete, sent::fail);
            sent.onTermination(subscription::cancel);
            if (quietAt(System.nanoTime())) {
                flush();
            }
        });
    }

    /**
     * Counts {@code events} the caller handed to the producer's sending thread itself, and, under
     * light load, queues a flush behind them there, as {@link #send} does.
     */
    void sent(int events) {
        if (quietAt(System.nanoTime(), events)) {
            flush();
        }
    }

    /** Counts one event published at {@code nanoTime}: whether the rate, with it, is below the batching rate. */
    boolean quietAt(long nanoTime) {
        return quietAt(nanoTime, 1);
    }

    private synchronized boolean quietAt(long nanoTime, int events) {
        // A caller that read the clock before another got here counts as of the other's time.
        recent = (recent == 0 ? 0 : recent * Math.exp(Math.min(0, at - nanoTime) / FADE_NANOS)) + events;
        at = nanoTime;
        return recent < batchingCount;
    }

    /**
     * A flush that cannot be asked for or fails (the channel not up yet, the producer closing)
     * leaves the event to the linger: its own send reports how it went.
     */
    private void flush() {
        try {
            var channel = producer;
            if (channel == null) {
                channel = producer = clients.getProducer(EventPublisher.CHANNEL);
            }
            if (channel != null) {
                channel.runOnSendingThread(this::flushBehind).subscribe().with(queued -> { }, failure -> LOG.debugf("Cannot flush the producer: %s", failure));
            }
        } catch (RuntimeException e) {
            LOG.debugf("Cannot flush the producer: %s", e);
        }
    }

    /**
     * Runs on the sending thread, behind the events to send: queues a flush, unless one queued and
     * not started yet will already cover them.
     */
    void flushBehind(Producer<?, ?> kafka) {
        if (flushQueued.compareAndSet(false, true)) {
            flushes.execute(() -> {
                flushQueued.set(false);
                flush(kafka);
            });
        }
    }

    private static void flush(Producer<?, ?> kafka) {
        try {
            kafka.flush();
        } catch (RuntimeException e) {
            LOG.debugf("Flushing the producer failed: %s", e);
        }
    }

    @PreDestroy
    void stop() {
        flushes.shutdownNow();
    }
}
