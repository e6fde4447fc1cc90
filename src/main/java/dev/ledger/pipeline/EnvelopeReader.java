package dev.ledger.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ledger.domain.EventType;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Decoding's fast path, which replay's throughput rests on: one streaming pass over the envelope,
 * no tree, no reflection. It takes only records in the plain shape: every field of its expected
 * JSON type, no field twice, {@code type} before {@code data}, a canonical UTC timestamp, a payload
 * the rules accept, at its type's current version (older versions are upcast the thorough way, so
 * a current record costs only the reading of {@code v}). For anything else it answers null and
 * {@link EventCodec} decodes the record the thorough way, which also decides how a broken record
 * is reported; so on every record this reader takes, both ways give the same event.
 */
final class EnvelopeReader {

    private static final Set<String> ENVELOPE = Set.of("eventId", "type", "v", "accountId", "commandId", "timestamp",
            "idempotencyKey", "requestHash", "data");

    private final JsonFactory json;
    private final Map<String, EventType> types;
    /** Each payload type's fields by name; other names in {@code data} are ignored, as the thorough way does. */
    private final Map<String, Set<String>> payloadFields;

    EnvelopeReader(JsonFactory json, Map<String, EventType> types) {
        this.json = json;
        this.types = types;
        this.payloadFields = types.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                type -> Arrays.stream(type.getValue().payload().getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet())));
        payloadFields.values().stream().flatMap(Set::stream).filter(ENVELOPE::contains).findAny().ifPresent(name -> {
            throw new IllegalStateException("payload field " + name + " is named as an envelope field");
        });
    }

    /** The event in the buffer's remaining bytes (it has an array), or null when the record is not in the plain shape. */
    LedgerEvent read(ByteBuffer value) {
        try (var parser = json.createParser(value.array(), value.arrayOffset() + value.position(), value.remaining())) {
            return parser.nextToken() == JsonToken.START_OBJECT ? envelope(parser) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private LedgerEvent envelope(JsonParser parser) throws IOException {
        var fields = new Fields();
        if (!fields.read(parser, ENVELOPE, this::payload) || parser.nextToken() != null) {
            return null;
        }
        var timestamp = fields.text("timestamp") == null ? null : canonicalInstant(fields.text("timestamp"));
        int version = fields.seen("v") ? fields.version : 1;
        return fields.data == null || timestamp == null || version != fields.data.type().version() ? null
                : new LedgerEvent(fields.text("eventId"), fields.text("accountId"), fields.text("commandId"), timestamp,
                        fields.text("idempotencyKey"), fields.text("requestHash"), fields.data);
    }

    /**
     * The payload in {@code data}, which the parser has just entered, or null when it is not in the
     * plain shape. Its fields go into the envelope's {@link Fields}: no payload field is named as an
     * envelope field, so one set of slots serves both objects.
     */
    private Payload payload(Fields fields, JsonParser parser) throws IOException {
        var type = fields.text("type");
        var eventType = type == null ? null : types.get(type);
        var known = eventType == null ? null : payloadFields.get(type);
        if (known == null || !fields.read(parser, known, (nested, nestedParser) -> null)
                || known.contains("amount") && !fields.seen("amount")) {
            return null;
        }
        return switch (eventType) {
            case ACCOUNT_OPEN_REQUESTED -> new Payload.AccountOpenRequested(fields.text("owner"), fields.text("currency"));
            case DEPOSIT_REQUESTED -> new Payload.DepositRequested(fields.amount, fields.text("reference"));
            case WITHDRAWAL_REQUESTED -> new Payload.WithdrawalRequested(fields.amount, fields.text("reference"));
            case TRANSFER_REQUESTED -> new Payload.TransferRequested(fields.text("transferId"), fields.text("to"), fields.amount,
                    fields.text("reference"));
            case TRANSFER_CREDIT_REQUESTED -> new Payload.TransferCreditRequested(fields.text("transferId"), fields.text("from"),
                    fields.amount, fields.text("currency"), fields.text("reference"));
            case TRANSFER_REFUND_REQUESTED -> fields.text("reason") == null ? null
                    : new Payload.TransferRefundRequested(fields.text("transferId"), fields.text("to"), fields.amount,
                            fields.text("currency"), Rejection.valueOf(fields.text("reason")));
        };
    }

    @FunctionalInterface
    private interface DataReader {
        Payload read(Fields fields, JsonParser parser) throws IOException;
    }

    /** The envelope's and its payload's fields of interest, each read once: text by name, the amount, the payload in data. */
    private static final class Fields {

        private static final List<String> NAMES = List.of("eventId", "type", "accountId", "commandId", "timestamp",
                "idempotencyKey", "requestHash", "data", "owner", "currency", "reference", "transferId", "to", "from", "reason",
                "amount", "v");
        private static final Map<String, Integer> INDEX = IntStream.range(0, NAMES.size()).boxed()
                .collect(Collectors.toUnmodifiableMap(NAMES::get, i -> i));

        private final String[] texts = new String[NAMES.size()];
        private int seen;
        long amount;
        int version;
        Payload data;

        /**
         * Reads the fields named in {@code known} of the object the parser has just entered, and skips
         * the others; false as soon as one is repeated or not of its plain JSON type.
         */
        boolean read(JsonParser parser, Set<String> known, DataReader dataReader) throws IOException {
            for (var name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                var token = parser.nextToken();
                if (!known.contains(name)) {
                    parser.skipChildren();
                    continue;
                }
                int index = INDEX.get(name);
                if ((seen & 1 << index) != 0) {
                    return false;
                }
                seen |= 1 << index;
                boolean plain = switch (name) {
                    case "data" -> token == JsonToken.START_OBJECT && readData(parser, dataReader);
                    case "amount" -> token == JsonToken.VALUE_NUMBER_INT && readAmount(parser);
                    case "v" -> token == JsonToken.VALUE_NUMBER_INT && readVersion(parser);
                    default -> token == JsonToken.VALUE_NULL || token == JsonToken.VALUE_STRING && readText(index, parser);
                };
                if (!plain) {
                    return false;
                }
            }
            return true;
        }

        private boolean readData(JsonParser parser, DataReader dataReader) throws IOException {
            data = dataReader.read(this, parser);
            return data != null;
        }

        private boolean readAmount(JsonParser parser) throws IOException {
            amount = parser.getLongValue();
            return true;
        }

        private boolean readVersion(JsonParser parser) throws IOException {
            version = parser.getIntValue();
            return true;
        }

        private boolean readText(int index, JsonParser parser) throws IOException {
            texts[index] = parser.getText();
            return true;
        }

        String text(String name) {
            return texts[INDEX.get(name)];
        }

        boolean seen(String name) {
            return (seen & 1 << INDEX.get(name)) != 0;
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z}, the form {@link Instant#toString()} writes, or null for
     * any other text (the thorough way then reads it, with all the forms it accepts).
     */
    static Instant canonicalInstant(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int digits = length - 21;
            if (text.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = digits(text, 20, 20 + digits);
            for (int i = digits; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if ((year | month | day | hour | minute | second | nanos) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The number written by the ASCII digits in {@code [from, to)}, or -1 if any is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
