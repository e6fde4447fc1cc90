package dev.ledger.replay;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Every command's result within the idempotency retention (idempotent retries and
 * {@code GET /commands/{id}} need them), so kept small: one object per command that is also its
 * own map key. Ids and request hashes this service writes (UUIDs, hex SHA-256) are held as
 * numbers and bytes, not text; an applied account command keeps the balance and version it left,
 * since an account's id, owner and currency never change. Anything in another form is kept as it
 * came, so every result reads back exactly as it was put.
 */
final class CommandResults {

    private static final HexFormat HEX = HexFormat.of();

    private final ConcurrentMap<CommandKey, Stored> byId = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Stored> byIdempotencyKey = new ConcurrentHashMap<>();
    private final Function<String, Optional<Account>> accounts;
    /** The cut a snapshot is reading, or null. */
    private volatile AtCut<CommandKey, Stored> cut;

    /** @param accounts the current accounts, from which a stored balance and version become an account again */
    CommandResults(Function<String, Optional<Account>> accounts) {
        this.accounts = accounts;
    }

    /**
     * @param partition the partition of the command's event
     * @param eventMicros the command's event time, by which it expires
     * @return the stored result, to hand to {@link #remove} once it expires
     */
    Expiring put(CommandResult result, int partition, long eventMicros) {
        var accountId = sharedAccountId(result);
        var stored = result.idempotencyKey() == null ? new Stored(result, accountId, partition, eventMicros)
                : new Keyed(result, accountId, partition, eventMicros);
        var reading = cut;
        if (reading != null) {
            reading.keep(stored, byId.get(stored));
        }
        byId.put(stored, stored);
        if (stored instanceof Keyed keyed) {
            byIdempotencyKey.put(keyed.idempotencyKey, keyed);
        }
        return stored;
    }

    /** Drops an expired result, unless the command has been stored again since. */
    void remove(Expiring expired) {
        var stored = (Stored) expired;
        var reading = cut;
        if (reading != null && byId.get(stored) == stored) {
            reading.keep(stored, stored);
        }
        byId.remove(stored, stored);
        if (stored instanceof Keyed keyed) {
            byIdempotencyKey.remove(keyed.idempotencyKey, keyed);
        }
    }

    void clear() {
        byId.clear();
        byIdempotencyKey.clear();
    }

    /** From now until {@link #endCut}, changes keep what the results were, for {@link #forEachAtCut}. */
    void beginCut() {
        cut = new AtCut<>();
    }

    void endCut() {
        cut = null;
    }

    /** Every result as it was when {@link #beginCut} was called (one changed meanwhile may come twice). */
    void forEachAtCut(AtCutConsumer action) {
        cut.forEach(byId, (key, stored) -> action.accept(result(stored), stored.partition, stored.eventMicros));
    }

    @FunctionalInterface
    interface AtCutConsumer {
        void accept(CommandResult result, int partition, long eventMicros);
    }

    /**
     * The command's account id as the instance the account itself holds: each event decodes its own
     * copy, and a million commands would otherwise keep a million more.
     */
    private String sharedAccountId(CommandResult result) {
        if (result.account() != null) {
            return result.account().accountId();
        }
        if (result.transfer() != null && result.transfer().from().equals(result.accountId())) {
            return result.transfer().from();
        }
        return accounts.apply(result.accountId()).map(Account::accountId).orElse(result.accountId());
    }

    Optional<CommandResult> get(String commandId) {
        return Optional.ofNullable(byId.get(new CommandKey(commandId))).map(this::result);
    }

    /** The command last applied with this Idempotency-Key, on whichever account. */
    Optional<CommandResult> byIdempotencyKey(String idempotencyKey) {
        return Optional.ofNullable(byIdempotencyKey.get(idempotencyKey)).map(this::result);
    }

    private CommandResult result(Stored stored) {
        Account account = null;
        if (stored.version > 0) {
            var current = accounts.apply(stored.accountId).orElseThrow(
                    () -> new IllegalStateException("accounts are never removed: " + stored.accountId));
            account = new Account(stored.accountId, current.owner(), current.currency(), stored.balance, stored.version);
        }
        var keyed = stored instanceof Keyed k ? k : null;
        return new CommandResult(stored.commandId(), stored.accountId, keyed == null ? null : keyed.idempotencyKey,
                keyed == null ? null : keyed.requestHash(), stored.rejection, account, stored.transfer);
    }

    /** A command id: a UUID in canonical form as two longs, anything else as its text. */
    private static class CommandKey {
        final long high;
        final long low;
        final String text;

        CommandKey(String commandId) {
            var uuid = canonicalUuid(commandId);
            this.high = uuid == null ? 0 : uuid.getMostSignificantBits();
            this.low = uuid == null ? 0 : uuid.getLeastSignificantBits();
            this.text = uuid == null ? commandId : null;
        }

        String commandId() {
            return text != null ? text : new UUID(high, low).toString();
        }

        @Override
        public final boolean equals(Object other) {
            return other instanceof CommandKey key && high == key.high && low == key.low && Objects.equals(text, key.text);
        }

        @Override
        public final int hashCode() {
            return text != null ? text.hashCode() : Long.hashCode(high * 31 + low);
        }

        /** The UUID that {@code id} is the canonical text of ({@link UUID#toString()}), or null. */
        private static UUID canonicalUuid(String id) {
            if (id.length() != 36) {
                return null;
            }
            for (int i = 0; i < 36; i++) {
                char c = id.charAt(i);
                boolean valid = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
                if (!valid) {
                    return null;
                }
            }
            return UUID.fromString(id);
        }
    }

    private static class Stored extends CommandKey implements Expiring {
        final String accountId;
        final int partition;
        final long eventMicros;
        final Rejection rejection;
        /** The account as the command left it: balance and version, version 0 when there is none. */
        final long balance;
        final long version;
        final Transfer transfer;

        /** @param accountId the command's account id, as the one instance the state holds for that account */
        Stored(CommandResult result, String accountId, int partition, long eventMicros) {
            super(result.commandId());
            this.accountId = accountId;
            this.partition = partition;
            this.eventMicros = eventMicros;
            this.rejection = result.rejection();
            var account = result.account();
            if (account != null && !account.accountId().equals(accountId)) {
                throw new IllegalArgumentException("a command's account is the one its event was keyed by: " + account);
            }
            this.balance = account == null ? 0 : account.balance();
            this.version = account == null ? 0 : account.version();
            this.transfer = result.transfer();
        }

        @Override
        public long eventMicros() {
            return eventMicros;
        }
    }

    /** A command sent with an Idempotency-Key: the key, and the request's hash as bytes when it is lower-case hex. */
    private static final class Keyed extends Stored {
        final String idempotencyKey;
        final Object requestHash;

        Keyed(CommandResult result, String accountId, int partition, long eventMicros) {
            super(result, accountId, partition, eventMicros);
            this.idempotencyKey = result.idempotencyKey();
            this.requestHash = compact(result.requestHash());
        }

        String requestHash() {
            return requestHash instanceof byte[] bytes ? HEX.formatHex(bytes) : (String) requestHash;
        }

        private static Object compact(String hash) {
            if (hash == null || hash.length() % 2 != 0) {
                return hash;
            }
            try {
                var bytes = HEX.parseHex(hash);
                return HEX.formatHex(bytes).equals(hash) ? bytes : hash;
            } catch (IllegalArgumentException e) {
                return hash;
            }
        }
    }
}
