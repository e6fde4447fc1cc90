package dev.ledger.replay;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;

/**
 * Every command's result within the idempotency retention (idempotent retries and
 * {@code GET /commands/{id}} need them), held as columns of numbers found through open-addressing
 * tables, not as an object and two map entries per command: that form took about 180 bytes of heap
 * per command, this one about 70 (see BENCHMARKS.md). Ids, Idempotency-Keys and request hashes this
 * service writes (UUIDs, hex SHA-256) are held as numbers and bytes; an applied account command
 * keeps the balance and version it left, since an account's id, owner and currency never change, and
 * names its account by row. A result in any other form (or for an account that does not exist) is
 * kept as the object it came as, so every result reads back exactly as it was put.
 *
 * <p>Writers (the applying threads) append rows one at a time under this object's lock; readers
 * never wait. A row's columns are written before the table entry that leads to it is published, and
 * never change afterwards: when the columns are full, the rows still held are copied into new
 * arrays, dropping those expired or replaced, and the new arrays are published whole, so a reader
 * holding the old ones still reads them consistently. A result expires once the horizon of its
 * partition passes its event time: reads skip it from then on, and the next copy drops it.
 */
final class CommandResults {

    private static final HexFormat HEX = HexFormat.of();
    private static final Rejection[] REJECTIONS = Rejection.values();
    private static final int REJECTION = 0xF;
    private static final int ACCOUNT = 1 << 4;
    /** The row's {@code ref} is the result as it was put: it has no compact form. */
    private static final int AS_PUT = 1 << 5;
    /** The row has an Idempotency-Key, in the keyed columns ({@link Columns#keyedOf}). */
    private static final int KEYED = 1 << 6;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int MIN_ROWS = 64;

    private final Accounts accounts;
    private volatile Columns columns = new Columns(MIN_ROWS, MIN_ROWS / 4);
    /**
     * Per partition, the event time before which its results have expired, each written by its
     * partition's writer alone: one object each, so that adding a partition copies none of their values.
     */
    private volatile Horizon[] horizons = new Horizon[0];
    /** The cut a snapshot is reading: the columns and how many rows they held then; null when none. */
    private volatile Columns cutColumns;
    private int cutRows;
    /** What the newest snapshot restored, looked up when the live rows miss. */
    private volatile RestoredResults restored = RestoredResults.NONE;
    /** The restored results the live ones had superseded when the cut began. */
    private long[] restoredSupersededAtCut;

    /** @param accounts the current accounts, from which a stored balance and version become an account again */
    CommandResults(Accounts accounts) {
        this.accounts = accounts;
    }

    /** The accounts, by row: a row's id, owner and currency never change, and an account is never removed. */
    interface Accounts {
        /** The row of this account id, or -1. */
        int row(String accountId);

        /** The account in this row as it is now. */
        Account account(int row);

        /** The currency of the account in this row. */
        String currency(int row);
    }

    /**
     * Stores a result; a later one under the same command id and account replaces it (a command
     * id is its account's own: on another account it is another command).
     *
     * @param partition the partition of the command's event
     * @param eventMicros the command's event time, by which it expires
     */
    synchronized void put(CommandResult result, int partition, long eventMicros) {
        var id = canonicalUuid(result.commandId());
        var key = result.idempotencyKey() == null ? null : canonicalUuid(result.idempotencyKey());
        var hash = hashBytes(result.requestHash());
        var account = result.account();
        int accountRow = accounts.row(result.accountId());
        boolean compact = id != null && (result.idempotencyKey() == null || hash != null) && accountRow >= 0
                && (account == null || account.accountId().equals(result.accountId()) && account.version() <= Integer.MAX_VALUE);
        var current = columns;
        if (current.rows == current.idHigh.length || result.idempotencyKey() != null && current.keyed == current.keyHigh.length) {
            current = compacted(current);
            columns = current;
        }
        int row = current.rows;
        current.idHigh[row] = high(result.commandId(), id);
        current.idLow[row] = low(result.commandId(), id);
        current.micros[row] = eventMicros;
        current.partition[row] = (short) partition;
        current.account[row] = accountRow;
        if (compact) {
            int bits = result.rejection() == null ? 0 : result.rejection().ordinal() + 1;
            if (account != null) {
                bits |= ACCOUNT;
                current.balance[row] = account.balance();
                current.version[row] = (int) account.version();
            }
            current.flags[row] = (byte) bits;
            current.ref[row] = result.transfer();
        } else {
            current.flags[row] = AS_PUT;
            current.ref[row] = result;
        }
        if (result.idempotencyKey() != null) {
            int k = current.keyed++;
            current.keyHigh[k] = high(result.idempotencyKey(), key);
            current.keyLow[k] = low(result.idempotencyKey(), key);
            current.keyText[k] = key != null ? null : result.idempotencyKey();
            if (hash != null) {
                System.arraycopy(hash, 0, current.hashes, k * RestoredResults.HASH_BYTES, RestoredResults.HASH_BYTES);
            }
            current.keyedRow[k] = row;
            current.flags[row] |= KEYED;
        }
        current.rows++;
        // Live first, then the restored one superseded: a reader meanwhile finds one or the other.
        current.index(row, result.commandId(), id != null, result.accountId(), accounts, result.idempotencyKey(), key != null);
        if (id != null) {
            restored.supersede(id.getMostSignificantBits(), id.getLeastSignificantBits(), result.accountId());
        }
        if (result.idempotencyKey() != null) {
            restored.supersede(result.idempotencyKey());
        }
    }

    /**
     * The rows still held, in new arrays a quarter larger than they need (the heap they take counts
     * more than copying a little more often): expired rows and rows replaced under both their id
     * and their key stay behind. Which rows the tables lead to is read off the tables in one pass
     * each, not looked up row by row: in a rebuild this ran for every row about four times over,
     * each a random read (BENCHMARKS.md).
     */
    private Columns compacted(Columns old) {
        var underId = new boolean[old.rows];
        for (int entry : old.byId) {
            if (entry != 0) {
                underId[entry - 1] = true;
            }
        }
        var underKey = new boolean[old.rows];
        for (int entry : old.byKey) {
            if (entry != 0) {
                underKey[old.keyedRow[entry - 1]] = true;
            }
        }
        int rows = 0;
        int keyed = 0;
        for (int row = 0; row < old.rows; row++) {
            if (expired(old, row)) {
                underId[row] = false;
                underKey[row] = false;
            } else if (underId[row] || underKey[row]) {
                rows++;
                keyed += (old.flags[row] & KEYED) != 0 ? 1 : 0;
            }
        }
        var fresh = new Columns(Math.max(MIN_ROWS, rows + rows / 4 + 1), Math.max(MIN_ROWS / 4, keyed + keyed / 4 + 1));
        if (rows == old.rows) {
            fresh.copyAll(old);
            return fresh;
        }
        for (int row = 0; row < old.rows; row++) {
            if (underId[row] || underKey[row]) {
                fresh.copy(old, row, underId[row], underKey[row]);
            }
        }
        return fresh;
    }

    private boolean expired(Columns in, int row) {
        int p = in.partition[row];
        var h = horizons;
        return p < h.length && in.micros[row] < h[p].micros;
    }

    void clear() {
        synchronized (this) {
            columns = new Columns(MIN_ROWS, MIN_ROWS / 4);
            horizons = new Horizon[0];
        }
        restored = RestoredResults.NONE;
    }

    /** Takes the results a snapshot restored, before consumption starts; live ones are stored beside them. */
    void restore(RestoredResults results) {
        restored = results;
    }

    /**
     * Called by {@code partition}'s writer as its horizon moves, before it decides its next event:
     * its results from before {@code horizon} have expired, live and restored.
     */
    void expire(int partition, long horizon) {
        var h = horizons;
        if (partition >= h.length) {
            synchronized (this) {
                var grown = Arrays.copyOf(horizons, Math.max(partition + 1, horizons.length));
                Arrays.setAll(grown, p -> grown[p] != null ? grown[p] : new Horizon());
                horizons = grown;
                h = grown;
            }
        }
        if (h[partition].micros < horizon) {
            h[partition].micros = horizon;
        }
        restored.expire(partition, horizon);
    }

    /** From now until {@link #endCut}, changes keep what the results were, for {@link #forEachAtCut}. Called between two batches. */
    synchronized void beginCut() {
        restoredSupersededAtCut = restored.supersededAtCut();
        cutRows = columns.rows;
        cutColumns = columns;
    }

    void endCut() {
        cutColumns = null;
    }

    /**
     * Every result held when {@link #beginCut} was called, in the order put, so that one replaced
     * since by another under its id comes before it: in compact form where it has one, else as it
     * was put.
     *
     * @param horizonAtCut per partition, the horizon of the idempotency retention at the cut
     * @param accountIndex where the snapshot being written holds each account
     */
    void forEachAtCut(IntToLongFunction horizonAtCut, AccountIndex accountIndex, AtCutConsumer action) {
        var cut = cutColumns;
        var row = new RestoredResults.Row();
        for (int i = 0; i < cutRows; i++) {
            if (cut.micros[i] < horizonAtCut.applyAsLong(cut.partition[i])) {
                continue;
            }
            if (compact(cut, i, accountIndex, row)) {
                action.compact(row);
            } else {
                action.asPut(cut.result(i, accounts), cut.partition[i], cut.micros[i]);
            }
        }
        restored.forEachAtCut(restoredSupersededAtCut, horizonAtCut, accountIndex::of, action::compact);
    }

    /** An account's index in the snapshot being written, -1 for one it does not hold. */
    interface AccountIndex {
        int ofRow(int row);

        int of(String accountId);
    }

    interface AtCutConsumer {
        void compact(RestoredResults.Row row);

        void asPut(CommandResult result, int partition, long eventMicros);
    }

    /** Fills {@code row} with row {@code i} when it has a compact form (see {@link RestoredResults.Row}). */
    private boolean compact(Columns in, int i, AccountIndex accountIndex, RestoredResults.Row row) {
        if ((in.flags[i] & AS_PUT) != 0) {
            return false;
        }
        row.account = accountIndex.ofRow(in.account[i]);
        int k = in.keyedOf(i);
        if (row.account < 0) {
            return false;
        }
        row.idempotencyKey = k < 0 ? null : in.key(k);
        if (k >= 0) {
            System.arraycopy(in.hashes, k * RestoredResults.HASH_BYTES, row.requestHash, 0, RestoredResults.HASH_BYTES);
        }
        var transfer = (Transfer) in.ref[i];
        row.transferLeft = transfer != null;
        if (transfer != null) {
            var id = transfer.transferId();
            var uuid = id.length() < 36 ? null : canonicalUuid(id.substring(id.length() - 36));
            row.to = accountIndex.of(transfer.to());
            if (uuid == null || row.to < 0 || accounts.row(transfer.from()) != in.account[i] || !transfer.requested()
                    || !Objects.equals(transfer.currency(), accounts.currency(in.account[i]))) {
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
        row.idHigh = in.idHigh[i];
        row.idLow = in.idLow[i];
        row.partition = in.partition[i];
        row.eventMicros = in.micros[i];
        int rejection = in.flags[i] & REJECTION;
        row.rejection = rejection == 0 ? null : REJECTIONS[rejection - 1];
        row.accountLeft = (in.flags[i] & ACCOUNT) != 0;
        row.balance = row.accountLeft ? in.balance[i] : 0;
        row.version = row.accountLeft ? in.version[i] : 0;
        return true;
    }

    /** The account of this id as it is now, for the restored results, which name accounts by id. */
    private Optional<Account> account(String accountId) {
        int row = accounts.row(accountId);
        return row < 0 ? Optional.empty() : Optional.of(accounts.account(row));
    }

    /** The result under this command id, the first found on any account (only forged records put one id on two). */
    Optional<CommandResult> get(String commandId) {
        return get(commandId, null);
    }

    /** The result of this command on this account; with {@code accountId} null, as {@link #get(String)}. */
    Optional<CommandResult> get(String commandId, String accountId) {
        var in = columns;
        var uuid = canonicalUuid(commandId);
        long high = high(commandId, uuid);
        long low = low(commandId, uuid);
        int row = find(in.byId, in.idHigh, in.idLow, high, low, found -> in.sameId(found, commandId, uuid != null)
                && (accountId == null || in.ofAccount(found, accountId, accounts)));
        if (row >= 0) {
            return expired(in, row) ? Optional.empty() : Optional.of(in.result(row, accounts));
        }
        return uuid != null ? restored.get(high, low, accountId, this::account) : Optional.empty();
    }

    /** The command last applied with this Idempotency-Key, on whichever account. */
    Optional<CommandResult> byIdempotencyKey(String idempotencyKey) {
        var in = columns;
        var uuid = canonicalUuid(idempotencyKey);
        int k = find(in.byKey, in.keyHigh, in.keyLow, high(idempotencyKey, uuid), low(idempotencyKey, uuid),
                found -> in.sameKey(found, idempotencyKey, uuid != null));
        if (k >= 0) {
            int row = in.keyedRow[k];
            return expired(in, row) ? Optional.empty() : Optional.of(in.result(row, accounts));
        }
        return restored.byIdempotencyKey(idempotencyKey, this::account);
    }

    /** The index whose two longs {@code table} leads to and which {@code same} accepts, or -1. */
    private static int find(int[] table, long[] highs, long[] lows, long high, long low, IntPredicate same) {
        int mask = table.length - 1;
        for (int slot = RestoredResults.mix(high, low) & mask, entry; (entry = (int) SLOTS.getAcquire(table, slot)) != 0;
             slot = (slot + 1) & mask) {
            int index = entry - 1;
            if (highs[index] == high && lows[index] == low && same.test(index)) {
                return index;
            }
        }
        return -1;
    }

    /** An id or key as two longs: its UUID's, or for other text its hash and length (told apart by the text itself). */
    private static long high(String text, UUID uuid) {
        return uuid != null ? uuid.getMostSignificantBits() : text.hashCode();
    }

    private static long low(String text, UUID uuid) {
        return uuid != null ? uuid.getLeastSignificantBits() : text.length();
    }

    /**
     * A power of two, filled to at most three quarters when the columns are full; most look-ups
     * miss (the rules look up every new command), and a miss ends at the first empty slot.
     */
    private static int tableSize(int capacity) {
        return Integer.highestOneBit(Math.max(2, capacity / 3 * 4 + 3) - 1) << 1;
    }

    /**
     * The UUID that {@code id} is the canonical text of ({@link UUID#toString()}), or null: checked
     * and read in one pass, since every event's command id comes here twice (its look-up and its result).
     */
    static UUID canonicalUuid(String id) {
        if (id.length() != 36) {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return null;
            }
            if (i < 18) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return new UUID(high, low);
    }

    /** The request hash as {@value RestoredResults#HASH_BYTES} bytes when it is their lower-case hex, else null. */
    private static byte[] hashBytes(String hash) {
        if (hash == null || hash.length() != 2 * RestoredResults.HASH_BYTES) {
            return null;
        }
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return HEX.parseHex(hash);
    }

    private static final class Horizon {
        volatile long micros = Long.MIN_VALUE;
    }

    /**
     * One generation of the columns: rows in the order put, and the Idempotency-Key columns of the
     * keyed ones. A text id or key that is no canonical UUID is hashed into the two longs, and told
     * apart by its text.
     */
    private static final class Columns {
        final long[] idHigh;
        final long[] idLow;
        final long[] micros;
        final long[] balance;
        final int[] version;
        final short[] partition;
        /** The rejection's ordinal plus one (0: applied), whether an account was left, {@link #AS_PUT}, {@link #KEYED}. */
        final byte[] flags;
        /** The command's account's row; -1 (then {@link #AS_PUT}) when there is none. */
        final int[] account;
        /** The transfer the command left, or the whole result when {@link #AS_PUT}. */
        final Object[] ref;
        final long[] keyHigh;
        final long[] keyLow;
        /** The key, when it is no canonical UUID. */
        final String[] keyText;
        final byte[] hashes;
        final int[] keyedRow;
        /** Row plus one, by command id; 0 is empty. */
        final int[] byId;
        /** Keyed index plus one, by Idempotency-Key. */
        final int[] byKey;
        /** Written by the writer under the lock; readers go through the tables, not this. */
        int rows;
        int keyed;

        Columns(int capacity, int keyedCapacity) {
            idHigh = new long[capacity];
            idLow = new long[capacity];
            micros = new long[capacity];
            balance = new long[capacity];
            version = new int[capacity];
            partition = new short[capacity];
            flags = new byte[capacity];
            account = new int[capacity];
            ref = new Object[capacity];
            keyHigh = new long[keyedCapacity];
            keyLow = new long[keyedCapacity];
            keyText = new String[keyedCapacity];
            hashes = new byte[keyedCapacity * RestoredResults.HASH_BYTES];
            keyedRow = new int[keyedCapacity];
            byId = new int[tableSize(capacity)];
            byKey = new int[tableSize(keyedCapacity)];
        }

        /** Whether {@code row}'s command id is {@code commandId}, whose two longs it has already matched. */
        boolean sameId(int row, String commandId, boolean canonical) {
            return (flags[row] & AS_PUT) != 0 ? ((CommandResult) ref[row]).commandId().equals(commandId) : canonical;
        }

        /** Whether {@code row} is a command of this account; looked up only once its id matched. */
        boolean ofAccount(int row, String accountId, Accounts accounts) {
            return (flags[row] & AS_PUT) != 0 ? ((CommandResult) ref[row]).accountId().equals(accountId)
                    : account[row] == accounts.row(accountId);
        }

        boolean sameKey(int k, String idempotencyKey, boolean canonical) {
            if ((flags[keyedRow[k]] & AS_PUT) != 0) {
                return ((CommandResult) ref[keyedRow[k]]).idempotencyKey().equals(idempotencyKey);
            }
            return keyText[k] != null ? keyText[k].equals(idempotencyKey) : canonical;
        }

        /**
         * The row's index in the keyed columns, or -1: found by halving, since keyed rows are added in
         * row order, so their rows ascend in {@link #keyedRow} and a row's index is at most the row
         * itself. A reader may find slots after its own not written yet: they read 0, which only the
         * first slot holds as a row.
         */
        int keyedOf(int row) {
            if ((flags[row] & KEYED) == 0) {
                return -1;
            }
            int low = 0;
            int high = Math.min(row, keyedRow.length - 1);
            while (low < high) {
                int middle = (low + high) >>> 1;
                int at = keyedRow[middle];
                if (at < row && (at != 0 || middle == 0)) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }

        /**
         * Publishes {@code row}, whose columns are written: under its id, replacing an earlier row of
         * that id and account, and under its key, replacing an earlier row of that key.
         */
        void index(int row, String commandId, boolean canonicalId, String accountId, Accounts accounts, String idempotencyKey,
                   boolean canonicalKey) {
            int mask = byId.length - 1;
            int slot = RestoredResults.mix(idHigh[row], idLow[row]) & mask;
            for (int e; (e = byId[slot]) != 0 && !(idHigh[e - 1] == idHigh[row] && idLow[e - 1] == idLow[row]
                    && sameId(e - 1, commandId, canonicalId) && ofAccount(e - 1, accountId, accounts)); ) {
                slot = (slot + 1) & mask;
            }
            SLOTS.setRelease(byId, slot, row + 1);
            int k = keyedOf(row);
            if (k < 0) {
                return;
            }
            mask = byKey.length - 1;
            slot = RestoredResults.mix(keyHigh[k], keyLow[k]) & mask;
            for (int e; (e = byKey[slot]) != 0 && !(keyHigh[e - 1] == keyHigh[k] && keyLow[e - 1] == keyLow[k]
                    && sameKey(e - 1, idempotencyKey, canonicalKey)); ) {
                slot = (slot + 1) & mask;
            }
            SLOTS.setRelease(byKey, slot, k + 1);
        }

        private String key(int k) {
            int row = keyedRow[k];
            if ((flags[row] & AS_PUT) != 0) {
                return ((CommandResult) ref[row]).idempotencyKey();
            }
            return keyText[k] != null ? keyText[k] : new UUID(keyHigh[k], keyLow[k]).toString();
        }

        /** Appends row {@code row} of {@code from}, indexed under its id and its key as asked. */
        void copy(Columns from, int row, boolean underId, boolean underKey) {
            int to = rows++;
            idHigh[to] = from.idHigh[row];
            idLow[to] = from.idLow[row];
            micros[to] = from.micros[row];
            balance[to] = from.balance[row];
            version[to] = from.version[row];
            partition[to] = from.partition[row];
            flags[to] = from.flags[row];
            account[to] = from.account[row];
            ref[to] = from.ref[row];
            int k = from.keyedOf(row);
            if (k >= 0) {
                int kt = keyed++;
                keyHigh[kt] = from.keyHigh[k];
                keyLow[kt] = from.keyLow[k];
                keyText[kt] = from.keyText[k];
                System.arraycopy(from.hashes, k * RestoredResults.HASH_BYTES, hashes, kt * RestoredResults.HASH_BYTES,
                        RestoredResults.HASH_BYTES);
                keyedRow[kt] = to;
                if (underKey) {
                    byKey[emptySlot(byKey, keyHigh[kt], keyLow[kt])] = kt + 1;
                }
            }
            if (underId) {
                byId[emptySlot(byId, idHigh[to], idLow[to])] = to + 1;
            }
        }

        /**
         * Takes every row of {@code from} at the same index, so that tables of the same size are
         * copied as they are rather than filled entry by entry (a random write each).
         */
        void copyAll(Columns from) {
            rows = from.rows;
            keyed = from.keyed;
            copyColumns(from.perRow(), perRow(), rows);
            copyColumns(from.perKeyed(), perKeyed(), keyed);
            System.arraycopy(from.hashes, 0, hashes, 0, keyed * RestoredResults.HASH_BYTES);
            refill(byId, from.byId, idHigh, idLow);
            refill(byKey, from.byKey, keyHigh, keyLow);
        }

        /** The arrays holding one value a row. */
        private Object[] perRow() {
            return new Object[] {idHigh, idLow, micros, balance, version, partition, flags, account, ref};
        }

        /** The arrays holding one value a keyed row (the hashes take {@value RestoredResults#HASH_BYTES} bytes each). */
        private Object[] perKeyed() {
            return new Object[] {keyHigh, keyLow, keyText, keyedRow};
        }

        private static void copyColumns(Object[] from, Object[] to, int length) {
            for (int column = 0; column < from.length; column++) {
                System.arraycopy(from[column], 0, to[column], 0, length);
            }
        }

        /**
         * Fills {@code table} with the entries of {@code old}, whose indexes are unchanged: copied
         * when both are the same size, else inserted again.
         */
        private static void refill(int[] table, int[] old, long[] highs, long[] lows) {
            if (table.length == old.length) {
                System.arraycopy(old, 0, table, 0, old.length);
                return;
            }
            for (int entry : old) {
                if (entry != 0) {
                    table[emptySlot(table, highs[entry - 1], lows[entry - 1])] = entry;
                }
            }
        }

        /** Where an entry goes in a table that holds none under the same id (rows are copied once each). */
        private static int emptySlot(int[] table, long high, long low) {
            int mask = table.length - 1;
            int slot = RestoredResults.mix(high, low) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        CommandResult result(int row, Accounts accounts) {
            if ((flags[row] & AS_PUT) != 0) {
                return (CommandResult) ref[row];
            }
            var current = accounts.account(account[row]);
            var id = current.accountId();
            Account left = null;
            if ((flags[row] & ACCOUNT) != 0) {
                left = new Account(id, current.owner(), current.currency(), balance[row], version[row]);
            }
            int k = keyedOf(row);
            int rejection = flags[row] & REJECTION;
            return new CommandResult(new UUID(idHigh[row], idLow[row]).toString(), id, k < 0 ? null : key(k),
                    k < 0 ? null : HEX.formatHex(hashes, k * RestoredResults.HASH_BYTES, (k + 1) * RestoredResults.HASH_BYTES),
                    rejection == 0 ? null : REJECTIONS[rejection - 1], left, (Transfer) ref[row]);
        }
    }
}
