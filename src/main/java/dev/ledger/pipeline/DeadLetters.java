package dev.ledger.pipeline;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Copies records group mode skips to the dead-letter topic, saying why and where they came from. */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "ledger-dlq-reason";
    public static final String DETAIL = "ledger-dlq-detail";
    public static final String SOURCE_TOPIC = "ledger-dlq-source-topic";
    public static final String SOURCE_PARTITION = "ledger-dlq-source-partition";
    public static final String SOURCE_OFFSET = "ledger-dlq-source-offset";
    /** Set, with the original size, on a copy whose value was left out because the copy would pass the broker's limit. */
    public static final String VALUE_DROPPED = "ledger-dlq-value-dropped";

    /** Parsers quote the input in their messages: a detail may otherwise be as large as the record. */
    private static final int MAX_DETAIL = 1000;

    private final MutinyEmitter<byte[]> emitter;

    DeadLetters(@Channel("ledger-dead-letters") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /**
     * Completes once the broker has the copy. A record near the broker's size limit, with headers
     * added, would pass it: then the copy keeps the headers and leaves the value out, since a copy
     * that can never be written would hold back its partition for good.
     */
    public Uni<Void> copy(ConsumerRecord<ByteBuffer, ByteBuffer> record, InvalidRecordException.Reason reason, String detail) {
        return send(record, Utils.toNullableArray(record.value()), reason, detail)
                .onFailure(DeadLetters::tooLarge).recoverWithUni(() -> send(record, null, reason, detail));
    }

    private static boolean tooLarge(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private Uni<Void> send(ConsumerRecord<ByteBuffer, ByteBuffer> record, byte[] value, InvalidRecordException.Reason reason, String detail) {
        var text = String.valueOf(detail);
        var copy = KafkaRecord.of(Utils.toNullableArray(record.key()), value)
                .withHeader(REASON, reason.tag())
                .withHeader(DETAIL, (text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) : text).getBytes(StandardCharsets.UTF_8))
                .withHeader(SOURCE_TOPIC, record.topic())
                .withHeader(SOURCE_PARTITION, Integer.toString(record.partition()))
                .withHeader(SOURCE_OFFSET, Long.toString(record.offset()));
        if (value == null && record.value() != null) {
            copy = copy.withHeader(VALUE_DROPPED, Integer.toString(record.value().remaining()));
        }
        return emitter.sendMessage(copy);
    }
}
