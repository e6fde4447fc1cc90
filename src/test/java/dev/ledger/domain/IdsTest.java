package dev.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    private static final Pattern PATTERN = Pattern.compile(Ids.PATTERN);

    @ParameterizedTest
    @ValueSource(strings = {"a", "A-z_0.9", "...", ".a", "a.", "..a", "a..", "._", "-", "_"})
    void idsOfTheAllowedCharactersAreValid(String id) {
        assertThat(Ids.valid(id)).isTrue();
        assertThat(PATTERN.matcher(id).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "", "a b", "a/b", "a|b", "\u00E9", "a\n", "emoji\uD83D\uDE00"})
    void dotsAloneAndOtherCharactersAreNoIds(String id) {
        assertThat(Ids.valid(id)).isFalse();
        assertThat(PATTERN.matcher(id).matches()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65})
    void idsAreAtMost64Characters(int length) {
        var id = "i".repeat(length);
        assertThat(Ids.valid(id)).isEqualTo(length <= 64);
        assertThat(PATTERN.matcher(id).matches()).isEqualTo(length <= 64);
    }

    @Test
    void everyCharacterMakesAValidIdExactlyWhenThePatternAllowsIt() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            var id = "a" + c;
            assertThat(Ids.valid(id)).as("U+%04X", (int) c).isEqualTo(PATTERN.matcher(id).matches());
        }
    }
}
