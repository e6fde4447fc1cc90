package dev.ledger.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Copies records group mode cannot apply to the dead-letter topic, saying why and where they came from. */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "ledger-dlq-reason";
    public static final String DETAIL = "ledger-dlq-detail";
    public static final String SOURCE_TOPIC = "ledger-dlq-source-topic";
    public static final String SOURCE_PARTITION = "ledger-dlq-source-partition";
    public static final String SOURCE_OFFSET = "ledger-dlq-source-offset";

    private final MutinyEmitter<byte[]> emitter;

    DeadLetters(@Channel("ledger-dead-letters") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes once the broker has the copy. */
    Uni<Void> copy(ConsumerRecord<String, byte[]> record, UndecodableRecordException.Reason reason, String detail) {
        return emitter.sendMessage(KafkaRecord.of(record.key(), record.value())
                .withHeader(REASON, reason.tag())
                .withHeader(DETAIL, String.valueOf(detail).getBytes(StandardCharsets.UTF_8))
                .withHeader(SOURCE_TOPIC, record.topic())
                .withHeader(SOURCE_PARTITION, Integer.toString(record.partition()))
                .withHeader(SOURCE_OFFSET, Long.toString(record.offset())));
    }
}
