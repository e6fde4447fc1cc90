package dev.ledger.messaging;

import dev.ledger.domain.LedgerEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes events to the topic, keyed by account id. The Uni completes once the broker has the
 * record on every in-sync replica (idempotent producer, {@code acks=all}: see application.properties).
 */
@ApplicationScoped
public class EventPublisher {

    private final MutinyEmitter<byte[]> emitter;
    private final EventCodec codec;

    /**
     * A consumer publishes a whole batch's follow-ups at once (up to one per record of a poll), on top
     * of the requests in flight; the emitter's default buffer of 128 refused the excess under load
     * ("Insufficient downstream requests"), leaving those transfers to the outbox's retry.
     */
    EventPublisher(@Channel("ledger-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16_384)
                   MutinyEmitter<byte[]> emitter, EventCodec codec) {
        this.emitter = emitter;
        this.codec = codec;
    }

    /** Fails with {@link PublishRefusedException} when the emitter does not take the record. */
    public Uni<Void> publish(LedgerEvent event) {
        return emitter.sendMessage(KafkaRecord.of(event.accountId(), codec.encode(event)))
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
}
