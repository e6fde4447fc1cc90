package dev.ledger.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.ledger.reliability.LedgerHttp.Account;

/**
 * What the acknowledged operations imply, kept on the client side: each account's balance and version
 * (1 for the opening, plus one per change applied to it), the money deposited and withdrawn, and
 * the final status each acknowledged transfer must reach. A change applied twice shows as a version
 * too high; an acknowledged change lost, as a balance or version too low.
 */
final class ExpectedLedger {

    private final Map<String, Account> accounts = new TreeMap<>();
    private final Map<String, String> transfers = new TreeMap<>();
    private long deposited;
    private long withdrawn;

    synchronized void opened(String accountId) {
        accounts.put(accountId, new Account(0, 1));
    }

    synchronized void deposited(String accountId, long amount) {
        change(accountId, amount);
        deposited += amount;
    }

    synchronized void withdrew(String accountId, long amount) {
        change(accountId, -amount);
        withdrawn += amount;
    }

    /** The debit was applied: the credit must follow, and the transfer end COMPLETED. */
    synchronized void transferred(String transferId, String from, String to, long amount) {
        change(from, -amount);
        change(to, amount);
        transfers.put(transferId, "COMPLETED");
    }

    synchronized void transferRejected(String transferId) {
        transfers.put(transferId, "REJECTED");
    }

    synchronized Map<String, String> transfers() {
        return Map.copyOf(transfers);
    }

    synchronized Map<String, Account> accounts() {
        return Map.copyOf(accounts);
    }

    /** Deposits minus withdrawals: what the balances must add up to, transfers moving money only. */
    synchronized long expectedTotal() {
        return deposited - withdrawn;
    }

    /** How {@code actual} (every account an instance lists) differs from what was acknowledged; empty when equal. */
    synchronized List<String> mismatches(Map<String, Account> actual) {
        var mismatches = new ArrayList<String>();
        accounts.forEach((id, expected) -> {
            if (!expected.equals(actual.get(id))) {
                mismatches.add("%s: expected %s, found %s".formatted(id, expected, actual.get(id)));
            }
        });
        actual.keySet().stream().filter(id -> !accounts.containsKey(id))
                .forEach(id -> mismatches.add(id + ": never acknowledged, found " + actual.get(id)));
        return mismatches;
    }

    private void change(String accountId, long amount) {
        var account = accounts.get(accountId);
        accounts.put(accountId, new Account(account.balance() + amount, account.version() + 1));
    }
}
