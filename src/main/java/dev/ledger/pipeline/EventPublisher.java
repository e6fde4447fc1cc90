package dev.ledger.pipeline;

import dev.ledger.domain.LedgerEvent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Writes events to the topic, keyed by account id. The Uni completes once the broker has the
 * record on every in-sync replica (idempotent producer, {@code acks=all}: see application.properties).
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    /**
     * Follow-ups go out at most this many at a time, each group once the broker has the one before:
     * a consumer catching up on a backlog decides them far faster than a broker takes them, and the
     * emitter would refuse the excess instead of waiting.
     */
    public static final int FOLLOW_UPS_IN_FLIGHT = 4096;

    /** The outgoing channel of mutations and follow-ups, whose producer {@link LingerBypass} flushes. */
    static final String CHANNEL = "ledger-events";

    private final MutinyEmitter<byte[]> emitter;
    private final EventCodec codec;
    private final LingerBypass lingerBypass;

    /** Room for the follow-ups in flight on top of the requests of the REST API. */
    public EventPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16_384)
                   MutinyEmitter<byte[]> emitter, EventCodec codec, LingerBypass lingerBypass) {
        this.emitter = emitter;
        this.codec = codec;
        this.lingerBypass = lingerBypass;
    }

    /**
     * Fails with {@link PublishRefusedException} when the emitter does not take the record. The
     * record's producer span, and its {@code traceparent} header, continue the caller's trace (a
     * request's server span).
     */
    public Uni<Void> publish(LedgerEvent event) {
        return publish(event, Context.current());
    }

    /**
     * As {@link #publish(LedgerEvent)}, in the trace of {@code parent}. Given explicitly because the
     * connector may write the record on another thread than the one that hands it over.
     */
    public Uni<Void> publish(LedgerEvent event, Context parent) {
        var record = KafkaRecord.of(event.accountId(), codec.encode(event)).addMetadata(TracingMetadata.withCurrent(parent));
        return lingerBypass.send(emitter.sendMessage(record))
                // SmallRye signals every refusal with an IllegalStateException: its buffer full
                // (SRMSG00034, Kafka not keeping up), or the channel down.
                .onFailure(IllegalStateException.class).transform(PublishRefusedException::new);
    }

    /** The emitter refused the record: it was never handed to Kafka. */
    public static final class PublishRefusedException extends RuntimeException {
        PublishRefusedException(Throwable cause) {
            super("the event emitter refused the event: its buffer is full or its channel is down", cause);
        }
    }

    /**
     * Publishes follow-ups with backpressure: {@link #FOLLOW_UPS_IN_FLIGHT} at a time. Completes,
     * never with a failure, once each has been written or has failed.
     *
     * @param traces by event id, the context of the apply that decided the follow-up, for those
     *               applied in a trace: the follow-up continues it
     * @return the event ids the broker acknowledged; the others stay due for a retry
     */
    public Uni<Set<String>> publishFollowUps(List<LedgerEvent> followUps, Map<String, Context> traces) {
        var written = ConcurrentHashMap.<String>newKeySet();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < followUps.size(); from += FOLLOW_UPS_IN_FLIGHT) {
            var group = followUps.subList(from, Math.min(followUps.size(), from + FOLLOW_UPS_IN_FLIGHT));
            chain = chain.chain(() -> {
                var sends = new ArrayList<Uni<Void>>(group.size());
                for (var followUp : group) {
                    sends.add(publish(followUp, traces.getOrDefault(followUp.eventId(), Context.root()))
                            .invoke(() -> written.add(followUp.eventId()))
                            .onFailure().recoverWithItem(failure -> {
                                LOG.warnf("Publishing follow-up %s failed, will retry: %s", followUp.eventId(), failure.getMessage());
                                return null;
                            }));
                }
                return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
            });
        }
        return chain.map(done -> Set.copyOf(written));
    }
}
