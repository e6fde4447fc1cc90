package dev.ledger.domain;

/** Free text an event may carry: no control characters, and whole UTF-16 (so whole UTF-8) only. */
public final class Text {

    private Text() {
    }

    /**
     * Whether {@code text} holds no control character (U+0000 to U+001F, U+007F) and no lone
     * surrogate: PostgreSQL refuses NUL in text, and a lone surrogate has no UTF-8 form, so either
     * would be stored differently, or not at all, by the two modes.
     */
    public static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
