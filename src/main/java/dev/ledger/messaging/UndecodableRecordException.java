package dev.ledger.messaging;

/** A record on the topic that is not an event this service can apply. Consumers skip and count it. */
public final class UndecodableRecordException extends RuntimeException {

    public enum Reason {
        /** Not JSON, or not the envelope. */
        MALFORMED,
        /** A well-formed envelope whose type this service does not know. */
        UNKNOWN_TYPE,
        /** A known type with missing or out-of-range fields. */
        INVALID;

        public String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final Reason reason;

    public UndecodableRecordException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
