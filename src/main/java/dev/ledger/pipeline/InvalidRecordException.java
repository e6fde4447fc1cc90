package dev.ledger.pipeline;

/** A record on the topic that is not an event this service may apply. Both modes skip and count it. */
public final class InvalidRecordException extends RuntimeException {

    public enum Reason {
        /** Not JSON, or not the envelope. */
        MALFORMED,
        /** A well-formed envelope whose type this service does not know. */
        UNKNOWN_TYPE,
        /** A known type that breaks the record rules: fields missing, out of range, or a key that is not its account. */
        INVALID;

        public String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final Reason reason;

    public InvalidRecordException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
