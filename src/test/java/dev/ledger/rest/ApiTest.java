package dev.ledger.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Text;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The patterns the API validates with say what the domain's checks say. */
class ApiTest {

    private static final Pattern TEXT = Pattern.compile(Api.TEXT);

    @ParameterizedTest
    @ValueSource(strings = {"", "Ada", "Zo\u00EB", "a\u0080b", "emoji \uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00", "\uDBFF\uDFFF", "\uFFFF",
            "\u0000", "a\u0001b", "a\tb", "a\nb", "\u001F", "a\u007Fb", "\uD800", "a\uDBFFb", "\uDC00", "x\uDFFF", "\uDE00\uD83D",
            "\uD83D\uD83D\uDE00", "\uD83D\uDE00\uDE00", "ok\uD83D"})
    void theTextPatternAgreesWithTextClean(String text) {
        assertThat(TEXT.matcher(text).matches()).as("Api.TEXT matches %s", text.codePoints().mapToObj(Integer::toHexString).toList())
                .isEqualTo(Text.clean(text));
    }
}
