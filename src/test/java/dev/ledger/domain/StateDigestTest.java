package dev.ledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateDigestTest {

    private static final List<Account> ACCOUNTS = List.of(
            new Account("Zed", "owner", "EUR", 7, 2),
            new Account("alice", "owner", "EUR", 1_500, 3),
            new Account("alice.2", "owner", "USD", 0, 1),
            new Account("bob", "owner", "EUR", Account.MAX_BALANCE, 41));

    @Test
    void digestIsTheSha256OfOneLinePerAccountInIdOrder() {
        var expectedText = "Zed|7|2\n"
                + "alice|1500|3\n"
                + "alice.2|0|1\n"
                + "bob|1000000000000000000|41\n";

        assertThat(digestOf(ACCOUNTS).hex()).isEqualTo(sha256Hex(expectedText));
    }

    @Test
    void digestIsLowerCaseHexOfThirtyTwoBytes() {
        assertThat(digestOf(ACCOUNTS).hex()).matches("[0-9a-f]{64}");
    }

    @Test
    void emptyStateDigestIsTheSha256OfTheEmptyString() {
        var hex = new StateDigest().hex();

        assertThat(hex).isEqualTo(sha256Hex(""));
        assertThat(hex).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void emptyStateHasNoAccountsAndNoBalance() {
        var digest = new StateDigest();

        assertThat(digest.accounts()).isZero();
        assertThat(digest.totalBalance()).isZero();
    }

    @Test
    void digestCountsTheAccountsAndSumsTheirBalances() {
        var digest = digestOf(ACCOUNTS);

        assertThat(digest.accounts()).isEqualTo(4);
        assertThat(digest.totalBalance()).isEqualTo(7 + 1_500 + Account.MAX_BALANCE);
    }

    @Test
    void digestChangesWhenOnlyAVersionDiffers() {
        var one = digestOf(List.of(new Account("alice", "owner", "EUR", 100, 2))).hex();
        var other = digestOf(List.of(new Account("alice", "owner", "EUR", 100, 3))).hex();

        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void digestIgnoresOwnerAndCurrency() {
        var one = digestOf(List.of(new Account("alice", "Alice", "EUR", 100, 2))).hex();
        var other = digestOf(List.of(new Account("alice", "Somebody else", "USD", 100, 2))).hex();

        assertThat(one).isEqualTo(other);
    }

    @Test
    void digestOfASingleAccountMatchesItsLine() {
        var digest = digestOf(List.of(new Account("acc-1", "owner", "EUR", 42, 5)));

        assertThat(digest.hex()).isEqualTo(sha256Hex("acc-1|42|5\n"));
    }

    private static StateDigest digestOf(List<Account> accountsInIdOrder) {
        var digest = new StateDigest();
        accountsInIdOrder.forEach(digest::add);
        return digest;
    }

    private static String sha256Hex(String text) {
        try {
            var bytes = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
