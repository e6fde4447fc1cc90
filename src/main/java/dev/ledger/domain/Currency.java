package dev.ledger.domain;

/** ISO-4217-shaped currency codes: three upper-case letters. */
public final class Currency {

    public static final String PATTERN = "^[A-Z]{3}$";

    private Currency() {
    }

    static String require(String currency) {
        // What PATTERN says, without a regular expression: every event is checked.
        if (currency == null || currency.length() != 3 || !upper(currency.charAt(0)) || !upper(currency.charAt(1))
                || !upper(currency.charAt(2))) {
            throw new IllegalArgumentException("currency must be three upper-case letters: " + currency);
        }
        return currency;
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /**
     * A valid code as the one instance the JVM shares for it: every account holds its currency, so
     * a million accounts decoded from the topic would otherwise hold a million copies of a few codes.
     */
    static String canonical(String currency) {
        return require(currency).intern();
    }
}
