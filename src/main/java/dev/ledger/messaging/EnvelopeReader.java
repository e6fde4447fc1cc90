package dev.ledger.messaging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.lang.reflect.RecordComponent;
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
 * the rules accept. For anything else it answers null and {@link EventCodec} decodes the record
 * the thorough way, which also decides how a broken record is reported; so on every record this
 * reader takes, both ways give the same event.
 */
final class EnvelopeReader {

    private final JsonFactory json;
    /** Each payload type's fields by name; other names in {@code data} are ignored, as the thorough way does. */
    private final Map<String, Set<String>> payloadFields;

    EnvelopeReader(JsonFactory json, Map<String, Class<? extends Payload>> types) {
        this.json = json;
        this.payloadFields = types.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                type -> Arrays.stream(type.getValue().getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet())));
    }

    /** The event, or null when the record is not in the plain shape. */
    LedgerEvent read(byte[] value) {
        try (var parser = json.createParser(value)) {
            return parser.nextToken() == JsonToken.START_OBJECT ? envelope(parser) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private LedgerEvent envelope(JsonParser parser) throws IOException {
        var fields = new Fields();
        String eventId = null;
        String type = null;
        String accountId = null;
        String commandId = null;
        Instant timestamp = null;
        String idempotencyKey = null;
        String requestHash = null;
        Payload payload = null;
        for (var name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            var token = parser.nextToken();
            switch (name) {
                case "eventId" -> eventId = fields.text(name, parser, token);
                case "type" -> type = fields.text(name, parser, token);
                case "accountId" -> accountId = fields.text(name, parser, token);
                case "commandId" -> commandId = fields.text(name, parser, token);
                case "idempotencyKey" -> idempotencyKey = fields.text(name, parser, token);
                case "requestHash" -> requestHash = fields.text(name, parser, token);
                case "timestamp" -> timestamp = fields.once(name) && token == JsonToken.VALUE_STRING
                        ? canonicalInstant(parser.getText()) : null;
                case "data" -> payload = fields.once(name) && token == JsonToken.START_OBJECT && type != null
                        && payloadFields.containsKey(type) ? payload(type, parser) : null;
                default -> parser.skipChildren();
            }
            if (fields.declined || name.equals("data") && payload == null) {
                return null;
            }
        }
        if (payload == null || timestamp == null || parser.nextToken() != null) {
            return null;
        }
        return new LedgerEvent(eventId, accountId, commandId, timestamp, idempotencyKey, requestHash, payload);
    }

    private Payload payload(String type, JsonParser parser) throws IOException {
        var known = payloadFields.get(type);
        var fields = new Fields();
        String owner = null;
        String currency = null;
        String reference = null;
        String transferId = null;
        String to = null;
        String from = null;
        String reason = null;
        long amount = 0;
        for (var name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            var token = parser.nextToken();
            if (!known.contains(name)) {
                parser.skipChildren();
                continue;
            }
            switch (name) {
                case "owner" -> owner = fields.text(name, parser, token);
                case "currency" -> currency = fields.text(name, parser, token);
                case "reference" -> reference = fields.text(name, parser, token);
                case "transferId" -> transferId = fields.text(name, parser, token);
                case "to" -> to = fields.text(name, parser, token);
                case "from" -> from = fields.text(name, parser, token);
                case "reason" -> reason = fields.text(name, parser, token);
                case "amount" -> amount = fields.number(name, parser, token);
                default -> fields.declined = true;
            }
            if (fields.declined) {
                return null;
            }
        }
        if (known.contains("amount") && !fields.seen("amount")) {
            return null;
        }
        return switch (type) {
            case "AccountOpenRequested" -> new Payload.AccountOpenRequested(owner, currency);
            case "DepositRequested" -> new Payload.DepositRequested(amount, reference);
            case "WithdrawalRequested" -> new Payload.WithdrawalRequested(amount, reference);
            case "TransferRequested" -> new Payload.TransferRequested(transferId, to, amount);
            case "TransferCreditRequested" -> new Payload.TransferCreditRequested(transferId, from, amount, currency);
            case "TransferRefundRequested" -> reason == null ? null
                    : new Payload.TransferRefundRequested(transferId, to, amount, currency, Rejection.valueOf(reason));
            default -> null;
        };
    }

    /** The fields read so far in one object, and whether the record was found not to be in the plain shape. */
    private static final class Fields {
        /** Every field name this reader knows, each with its own bit in {@link #seen}. */
        private static final List<String> NAMES = List.of("eventId", "type", "accountId", "commandId", "timestamp",
                "idempotencyKey", "requestHash", "data", "owner", "currency", "reference", "transferId", "to", "from", "reason", "amount");
        private static final Map<String, Integer> BITS = IntStream.range(0, NAMES.size()).boxed()
                .collect(Collectors.toUnmodifiableMap(NAMES::get, i -> 1 << i));

        private int seen;
        boolean declined;

        boolean once(String name) {
            int bit = BITS.get(name);
            if ((seen & bit) != 0) {
                declined = true;
            }
            seen |= bit;
            return !declined;
        }

        boolean seen(String name) {
            return (seen & BITS.get(name)) != 0;
        }

        long number(String name, JsonParser parser, JsonToken token) throws IOException {
            if (!once(name) || token != JsonToken.VALUE_NUMBER_INT) {
                declined = true;
                return 0;
            }
            return parser.getLongValue();
        }

        String text(String name, JsonParser parser, JsonToken token) throws IOException {
            if (!once(name) || token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                declined = true;
                return null;
            }
            return token == JsonToken.VALUE_NULL ? null : parser.getText();
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
