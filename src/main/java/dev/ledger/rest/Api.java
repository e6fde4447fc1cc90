package dev.ledger.rest;

/** Formats the API accepts, shared by the bodies and the parameters. */
final class Api {

    static final String ID = dev.ledger.domain.Ids.PATTERN;
    static final String ID_MESSAGE = "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-', and not '.' or '..'";
    /**
     * What {@link dev.ledger.domain.Text#clean} allows. Java's regular expressions match code
     * points, so {@code \p{Cs}} (surrogate) matches only a surrogate that is not half of a pair.
     */
    static final String TEXT = "^[^\\x00-\\x1F\\x7F\\p{Cs}]*$";
    static final String TEXT_MESSAGE = "must not hold a control character or a lone surrogate";
    static final String CURRENCY = dev.ledger.domain.Currency.PATTERN;
    static final String IDEMPOTENCY_KEY = "^[\\x20-\\x7E]{1,128}$";
    static final String LIMIT = "^([1-9][0-9]{0,2}|1000)$";
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    static final String PROBLEM_JSON = "application/problem+json";

    private Api() {
    }
}
