package dev.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "Ada", "Zo\u00EB", "a\u0080b", "a\u00A0b", "\u4E2D\u6587", "emoji \uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00",
            "\uDBFF\uDFFF", "\uFFFD", "\uFFFF"})
    void textWithoutControlCharactersOrLoneSurrogatesIsClean(String text) {
        assertThat(Text.clean(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "a\u0001b", "a\tb", "a\nb", "a\rb", "\u001F", "a\u007Fb"})
    void aControlCharacterIsNotClean(String text) {
        assertThat(Text.clean(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "a\uDBFFb", "\uDC00", "x\uDFFF", "\uDE00\uD83D", "\uD83D\uD83D\uDE00", "\uD83D\uDE00\uDE00", "ok\uD83D"})
    void aLoneSurrogateIsNotClean(String text) {
        assertThat(Text.clean(text)).isFalse();
    }

    @Test
    void anAbsentTextIsClean() {
        assertThat(Text.clean(null)).isTrue();
    }
}
