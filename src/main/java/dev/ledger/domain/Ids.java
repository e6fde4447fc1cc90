package dev.ledger.domain;

import java.util.regex.Pattern;

/**
 * Account and transfer ids. The characters are limited so that an id can never break the
 * digest's {@code id|balance|version} lines, nor a follow-up's derived event id.
 */
public final class Ids {

    public static final String PATTERN = "^[A-Za-z0-9._-]{1,64}$";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private Ids() {
    }

    static String require(String id, String what) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must match " + PATTERN + ": " + id);
        }
        return id;
    }
}
