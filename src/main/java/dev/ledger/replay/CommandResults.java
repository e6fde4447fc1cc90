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
import java.util.function.IntToLongFunction;
import java.util.function.ToIntFunction;

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
    /** What the newest snapshot restored, looked up when the live maps miss. */
    private volatile RestoredResults restored = RestoredResults.NONE;
    /** The restored results the live ones had superseded when the cut began. */
    private long[] restoredSupersededAtCut;

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
        // Live first, then the restored one superseded: a reader meanwhile finds one or the other.
        byId.put(stored, stored);
        if (stored.text == null) {
            restored.supersede(stored.high, stored.low);
        }
        if (stored instanceof Keyed keyed) {
            byIdempotencyKey.put(keyed.idempotencyKey, keyed);
            restored.supersede(keyed.idempotencyKey);
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
        restored = RestoredResults.NONE;
    }

    /** Takes the results a snapshot restored, before consumption starts; live ones are stored beside them. */
    void restore(RestoredResults results) {
        restored = results;
    }

    /** Called as the horizon of {@code partition} moves: its restored results from before {@code horizon} have expired. */
    void expireRestored(int partition, long horizon) {
        restored.expire(partition, horizon);
    }

    /** From now until {@link #endCut}, changes keep what the results were, for {@link #forEachAtCut}. */
    void beginCut() {
        restoredSupersededAtCut = restored.supersededAtCut();
        cut = new AtCut<>();
    }

    void endCut() {
        cut = null;
    }

    /**
     * Every result as it was when {@link #beginCut} was called (one changed meanwhile may come twice):
     * in compact form where it has one, else as it was put.
     *
     * @param horizonAtCut per partition, the horizon of the idempotency retention at the cut
     * @param accountIndex an account's index in the snapshot being written, -1 for one it does not hold
     */
    void forEachAtCut(IntToLongFunction horizonAtCut, ToIntFunction<String> accountIndex, AtCutConsumer action) {
        var row = new RestoredResults.Row();
        cut.forEach(byId, (key, stored) -> {
            if (compact(stored, accountIndex, row)) {
                action.compact(row);
            } else {
                action.asPut(result(stored), stored.partition, stored.eventMicros);
            }
        });
        restored.forEachAtCut(restoredSupersededAtCut, horizonAtCut, accountIndex, action::compact);
    }

    interface AtCutConsumer {
        void compact(RestoredResults.Row row);

        void asPut(CommandResult result, int partition, long eventMicros);
    }

    /** Fills {@code row} with {@code stored} when it has a compact form (see {@link RestoredResults.Row}). */
    private boolean compact(Stored stored, ToIntFunction<String> accountIndex, RestoredResults.Row row) {
        row.account = accountIndex.applyAsInt(stored.accountId);
        if (stored.text != null || row.account < 0 || stored.version > Integer.MAX_VALUE) {
            return false;
        }
        row.idempotencyKey = null;
        if (stored instanceof Keyed keyed) {
            if (!(keyed.requestHash instanceof byte[] hash) || hash.length != RestoredResults.HASH_BYTES) {
                return false;
            }
            row.idempotencyKey = keyed.idempotencyKey;
            System.arraycopy(hash, 0, row.requestHash, 0, hash.length);
        }
        var transfer = stored.transfer;
        row.transferLeft = transfer != null;
        if (transfer != null) {
            var id = transfer.transferId();
            var uuid = id.length() < 36 ? null : CommandKey.canonicalUuid(id.substring(id.length() - 36));
            row.to = accountIndex.applyAsInt(transfer.to());
            if (uuid == null || row.to < 0 || !transfer.from().equals(stored.accountId) || !transfer.requested()
                    || !Objects.equals(transfer.currency(), accounts.apply(stored.accountId).map(Account::currency).orElse(null))) {
                return false;
            }
            row.transferPrefix = id.substring(0, id.length() - 36);
            row.transferHigh = uuid.getMostSignificantBits();
            row.transferLow = uuid.getLeastSignificantBits();
            row.amount = transfer.amount();
            row.status = transfer.status();
            row.reason = transfer.reason();
            row.reference = transfer.reference();
        }
        row.idHigh = stored.high;
        row.idLow = stored.low;
        row.partition = stored.partition;
        row.eventMicros = stored.eventMicros;
        row.rejection = stored.rejection;
        row.accountLeft = stored.version > 0;
        row.balance = stored.balance;
        row.version = stored.version;
        return true;
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
        var key = new CommandKey(commandId);
        var live = byId.get(key);
        if (live != null) {
            return Optional.of(result(live));
        }
        return key.text == null ? restored.get(key.high, key.low, accounts) : Optional.empty();
    }

    /** The command last applied with this Idempotency-Key, on whichever account. */
    Optional<CommandResult> byIdempotencyKey(String idempotencyKey) {
        var live = byIdempotencyKey.get(idempotencyKey);
        return live != null ? Optional.of(result(live)) : restored.byIdempotencyKey(idempotencyKey, accounts);
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
    static class CommandKey {
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
        static UUID canonicalUuid(String id) {
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
