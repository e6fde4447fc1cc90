package dev.ledger.domain;

import java.util.regex.Pattern;

/** ISO-4217-shaped currency codes: three upper-case letters. */
public final class Currency {

    public static final String PATTERN = "^[A-Z]{3}$";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private Currency() {
    }

    static String require(String currency) {
        if (currency == null || !VALID.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency must be three upper-case letters: " + currency);
        }
        return currency;
    }

    /**
     * A valid code as the one instance the JVM shares for it: every account holds its currency, so
     * a million accounts decoded from the topic would otherwise hold a million copies of a few codes.
     */
    static String canonical(String currency) {
        return require(currency).intern();
    }
}
