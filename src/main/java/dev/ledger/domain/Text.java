package dev.ledger.domain;

/**
 * Free text (an owner, a reference) that may be stored and shown: no control character
 * (U+0000 to U+001F, U+007F) and no lone surrogate, which no UTF-8 encoder can write faithfully.
 */
public final class Text {

    private Text() {
    }

    /** Checked without a regular expression: every event's texts are. An absent text is clean. */
    public static boolean clean(String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++; // the pair's low half
            }
        }
        return true;
    }
}
