package dev.ledger.pipeline;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.LedgerEvent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private final Supplier<KafkaProducer<String, byte[]>> producers;
    private final String topic;

    /** Room for the follow-ups in flight on top of the requests of the REST API. */
    @Inject
    public EventPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16_384)
                          MutinyEmitter<byte[]> emitter, EventCodec codec, LingerBypass lingerBypass, KafkaClientService clients,
                          LedgerConfig config) {
        this(emitter, codec, lingerBypass, () -> clients.getProducer(CHANNEL), config.topic());
    }

    /**
     * @param producers the producer of the emitter's channel, looked up when it is needed (the
     *                  channel is not up while beans are created; the connector finds it among its few)
     */
    public EventPublisher(MutinyEmitter<byte[]> emitter, EventCodec codec, LingerBypass lingerBypass,
                          Supplier<KafkaProducer<String, byte[]>> producers, String topic) {
        this.emitter = emitter;
        this.codec = codec;
        this.lingerBypass = lingerBypass;
        this.producers = producers;
        this.topic = topic;
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
     * never with a failure, once each has been written or has failed. Those in a trace go through
     * the emitter, whose connector writes their producer span; the others, every one of them when
     * tracing is off, straight to the channel's producer, a window at a time: the emitter's way
     * costs each record a chain of callbacks with context propagation on the producer's network
     * thread, which took half of a group instance's CPU while it published a catch-up's outbox
     * (BENCHMARKS.md, stop 27).
     *
     * @param traces by event id, the context of the apply that decided the follow-up, for those
     *               applied in a trace: the follow-up continues it
     * @return the event ids the broker acknowledged; the others stay due for a retry
     */
    public Uni<Set<String>> publishFollowUps(List<LedgerEvent> followUps, Map<String, Context> traces) {
        var written = ConcurrentHashMap.<String>newKeySet();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < followUps.size(); from += FOLLOW_UPS_IN_FLIGHT) {
            var window = followUps.subList(from, Math.min(followUps.size(), from + FOLLOW_UPS_IN_FLIGHT));
            chain = chain.chain(() -> {
                var untraced = new ArrayList<LedgerEvent>(window.size());
                var sends = new ArrayList<Uni<Void>>();
                for (var followUp : window) {
                    var trace = traces.get(followUp.eventId());
                    if (trace == null) {
                        untraced.add(followUp);
                    } else {
                        sends.add(publish(followUp, trace)
                                .invoke(() -> written.add(followUp.eventId()))
                                .onFailure().recoverWithItem(failure -> {
                                    failed(followUp, failure);
                                    return null;
                                }));
                    }
                }
                if (!untraced.isEmpty()) {
                    sends.add(sendDirectly(untraced, written));
                }
                return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
            });
        }
        return chain.map(done -> Set.copyOf(written));
    }

    /**
     * Hands the records to the producer on its sending thread, and completes, never with a failure,
     * once the broker has answered for each; those it acknowledged are added to {@code written}.
     */
    private Uni<Void> sendDirectly(List<LedgerEvent> followUps, Set<String> written) {
        var records = followUps.stream().map(followUp -> new ProducerRecord<>(topic, followUp.accountId(), codec.encode(followUp))).toList();
        return Uni.createFrom().<Void>emitter(answered -> {
            var unanswered = new AtomicInteger(records.size());
            producers.get().runOnSendingThread(kafka -> {
                for (int i = 0; i < records.size(); i++) {
                    var followUp = followUps.get(i);
                    Callback callback = (metadata, failure) -> {
                        if (failure == null) {
                            written.add(followUp.eventId());
                        } else {
                            failed(followUp, failure);
                        }
                        if (unanswered.decrementAndGet() == 0) {
                            answered.complete(null);
                        }
                    };
                    try {
                        kafka.send(records.get(i), callback);
                    } catch (RuntimeException e) {
                        callback.onCompletion(null, e);
                    }
                }
            }).subscribe().with(sent -> lingerBypass.sent(records.size()), failure -> {
                // The sending thread did not run the sends (the producer is closing): none was handed over.
                followUps.forEach(followUp -> failed(followUp, failure));
                answered.complete(null);
            });
        });
    }

    private static void failed(LedgerEvent followUp, Throwable failure) {
        LOG.warnf("Publishing follow-up %s failed, will retry: %s", followUp.eventId(), failure.getMessage());
    }
}
