package dev.ledger.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The fingerprint two instances compare: SHA-256 over one line {@code accountId|balance|version\n}
 * per account, in account id order. Feed the accounts in that order.
 */
public final class StateDigest {

    private final MessageDigest sha256;
    private long accounts;
    private long totalBalance;

    public StateDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public void add(Account account) {
        add(account.accountId(), account.balance(), account.version());
    }

    public void add(String accountId, long balance, long version) {
        var line = accountId + '|' + balance + '|' + version + '\n';
        sha256.update(line.getBytes(StandardCharsets.UTF_8));
        accounts++;
        totalBalance += balance;
    }

    public long accounts() {
        return accounts;
    }

    public long totalBalance() {
        return totalBalance;
    }

    /** Lower-case hex; call once, after the last account. */
    public String hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
