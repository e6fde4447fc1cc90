package dev.ledger.domain;

/**
 * Account and transfer ids. The characters are limited so that an id can never break the
 * digest's {@code id|balance|version} lines, nor a follow-up's derived event id; {@code .} and
 * {@code ..} are refused because in a URL they are dot segments, so no client could reach
 * {@code /accounts/..}.
 */
public final class Ids {

    public static final String PATTERN = "^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,64}$";

    private Ids() {
    }

    static String require(String id, String what) {
        if (!valid(id)) {
            throw new IllegalArgumentException(what + " must match " + PATTERN + ": " + id);
        }
        return id;
    }

    /** The ASCII characters {@link #PATTERN} allows, by code: one look-up a character, on every event's ids. */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 0; c < ALLOWED.length; c++) {
            ALLOWED[c] = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
        }
    }

    /** What {@link #PATTERN} says, without a regular expression: every event is checked. */
    public static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > 64 || id.equals(".") || id.equals("..")) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }
}
