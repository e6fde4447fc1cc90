package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Account;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AccountColumnsTest {

    private final AccountColumns accounts = new AccountColumns();

    private static Account account(int n, long balance, long version) {
        return new Account(id(n), "Owner " + n + (n % 7 == 0 ? " Ünal 日本" : ""), n % 3 == 0 ? "USD" : "EUR", balance, version);
    }

    private static String id(int n) {
        return "acc-%07d".formatted(n);
    }

    @Test
    void everyAccountReadsBackExactlyAsPutAfterTheColumnsGrew() {
        for (int n = 0; n < 100_000; n++) {
            assertThat(accounts.put(account(n, n, 1))).isTrue();
        }

        for (int n = 0; n < 100_000; n++) {
            assertThat(accounts.get(id(n))).isEqualTo(account(n, n, 1));
        }
        assertThat(accounts.get("acc-9999999")).isNull();
    }

    @Test
    void anAccountPutAgainTakesItsNewBalanceAndVersion() {
        assertThat(accounts.put(account(1, 0, 1))).isTrue();

        assertThat(accounts.put(account(1, 50, 2))).isFalse();

        assertThat(accounts.get(id(1))).isEqualTo(account(1, 50, 2));
    }

    @Test
    void anOwnerLongerThanTheRoomLeftGrowsTheOwnerColumn() {
        var owner = "ö".repeat(200);
        for (int n = 0; n < 1_000; n++) {
            accounts.put(new Account(id(n), owner, "GBP", n, 1));
        }

        assertThat(accounts.get(id(999))).isEqualTo(new Account(id(999), owner, "GBP", 999, 1));
    }

    @Test
    void anOwnerOfAnyTextReadsBackExactlyLoneSurrogatesAndOtherPlanesIncluded() {
        var owners = List.of("Ada", "Zoë Ørsted", "李雷", "Alice \uD800 lone", "\uDFFF", "emoji \uD83D\uDE00", "nul \u0000 inside");
        for (int i = 0; i < owners.size(); i++) {
            accounts.put(new Account("a" + i, owners.get(i), "EUR", i, 1));
        }
        for (int i = 0; i < owners.size(); i++) {
            assertThat(accounts.get("a" + i).owner()).isEqualTo(owners.get(i));
        }
    }

    @Test
    void clearForgetsEveryAccount() {
        accounts.put(account(1, 0, 1));

        accounts.clear();

        assertThat(accounts.get(id(1))).isNull();
        assertThat(accounts.put(account(1, 0, 1))).isTrue();
    }

    @Test
    void aReaderNeverSeesABalanceWithoutItsVersionNorMissesAnOpenedAccountWhileTheWriterGoesOn() throws Exception {
        int count = 300_000;
        var opened = new AtomicInteger();
        var failure = new AtomicReference<String>();
        var reader = new Thread(() -> {
            while (opened.get() < count && failure.get() == null) {
                int upTo = opened.get();
                for (int n = Math.max(0, upTo - 100); n < upTo; n++) {
                    var found = accounts.get(id(n / 2));
                    // Every put below keeps balance = version - 1.
                    if (found == null || found.balance() != found.version() - 1) {
                        failure.set("account " + n / 2 + " read as " + found);
                    }
                }
            }
        });
        reader.start();
        for (int n = 0; n < count; n++) {
            accounts.put(account(n, 0, 1));
            // An update of an earlier account, which a growth must not lose.
            accounts.put(account(n / 2, n + 1, n + 2));
            opened.set(n + 1);
        }
        reader.join();

        assertThat(failure.get()).isNull();
        assertThat(accounts.get(id((count - 1) / 2)).balance()).isEqualTo(count);
    }

    @Test
    void anIdOfAnyTextIsFoundAndComparedAsItsString() {
        var ids = List.of("b", "a", "ab", "Zoë", "李雷", "x\uD800", "\uDFFF", "e\uD83D\uDE00", "a.b-c_9", "");
        for (var id : ids) {
            accounts.put(new Account(id, "owner", "EUR", 0, 1));
        }
        for (int row = 0; row < ids.size(); row++) {
            assertThat(accounts.row(ids.get(row))).isEqualTo(row);
            assertThat(accounts.account(row).accountId()).isEqualTo(ids.get(row));
            for (int other = 0; other < ids.size(); other++) {
                assertThat(Integer.signum(accounts.compare(row, other))).isEqualTo(Integer.signum(ids.get(row).compareTo(ids.get(other))));
                assertThat(Integer.signum(accounts.compare(row, ids.get(other))))
                        .isEqualTo(Integer.signum(ids.get(row).compareTo(ids.get(other))));
            }
        }
        assertThat(accounts.row("x")).isEqualTo(-1);
        assertThat(accounts.row("abc")).isEqualTo(-1);
    }

    @Test
    void theOrderHoldsEveryRowInIdOrderAndFindsWhereAPageStarts() {
        var order = new AccountOrder(accounts);
        var random = new java.util.Random(7);
        var ids = new java.util.TreeSet<String>();
        for (int n = 0; n < 20_000; n++) {
            var id = "acc-" + random.nextInt(1_000_000);
            if (ids.add(id)) {
                accounts.put(new Account(id, "owner", "EUR", 0, 1));
                order.opened();
            }
        }

        var sorted = order.sorted();
        var inOrder = new java.util.ArrayList<String>();
        for (int row : sorted) {
            inOrder.add(accounts.account(row).accountId());
        }
        assertThat(inOrder).containsExactlyElementsOf(ids);
        var middle = inOrder.get(inOrder.size() / 2);
        assertThat(AccountOrder.after(sorted, middle, accounts)).isEqualTo(inOrder.size() / 2 + 1);
        assertThat(AccountOrder.after(sorted, middle + "!", accounts)).isEqualTo(inOrder.size() / 2 + 1);
        assertThat(AccountOrder.after(sorted, null, accounts)).isZero();
    }

    @Test
    void aCutReadsEachAccountAsItWasWhenTheCutBeganWhateverChangesAfter() {
        for (int n = 0; n < 5_000; n++) {
            accounts.put(account(n, n, 1));
        }

        var cut = accounts.cut();
        for (int n = 0; n < 10_000; n++) {
            accounts.put(account(n, n + 1, 2));
        }

        assertThat(cut.rows()).isEqualTo(5_000);
        for (int n = 0; n < 5_000; n++) {
            assertThat(cut.account(cut.row(id(n)))).isEqualTo(account(n, n, 1));
        }
        assertThat(cut.row(id(5_000))).isEqualTo(-1);
        assertThat(accounts.get(id(0))).isEqualTo(account(0, 1, 2));
    }
}
