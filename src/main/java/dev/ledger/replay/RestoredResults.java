package dev.ledger.replay;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import java.util.function.ToIntFunction;

/**
 * Command results restored from a snapshot, kept in the snapshot's compact form: columns of numbers
 * in arrays, found through open-addressing tables, and made into objects only when one is asked
 * for. Building an object and two map entries for each of millions of restored results cost almost
 * as much as replaying the events that made them; filling arrays costs about what reading the bytes
 * does, and takes about a third of the heap.
 *
 * <p>Immutable but for what the single writer marks: a result superseded since by a live one, under
 * its command id or its Idempotency-Key, and per partition the horizon before which results have
 * expired, which {@link ReplayState} moves before each event exactly where it drops live results.
 */
final class RestoredResults {

    static final RestoredResults NONE = new Builder(new String[0], 0).build();

    private static final HexFormat HEX = HexFormat.of();
    private static final Rejection[] REJECTIONS = Rejection.values();
    private static final TransferStatus[] STATUSES = TransferStatus.values();
    private static final int ACCOUNT = 1 << 4;
    private static final int TRANSFER = 1 << 5;
    static final int HASH_BYTES = 32;
    /** Fewer keys are indexed on the building thread: a thread of its own would cost about what it saves. */
    private static final int OWN_THREAD_KEYS = 1 << 16;
    private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

    /** The snapshot's accounts, in its order: rows name them by index. */
    private final String[] accountIds;
    private final int size;
    private final long[] idHigh;
    private final long[] idLow;
    private final long[] micros;
    /** The balance an account command left; for a transfer command, its row in the transfer columns. */
    private final long[] balance;
    private final int[] version;
    private final int[] account;
    private final int[] partition;
    /** The rejection's ordinal plus one (0: applied), and whether an account or a transfer was left. */
    private final byte[] flags;
    /** The row in the keyed columns, or -1. */
    private final int[] keyed;
    private final long[] transferHigh;
    private final long[] transferLow;
    private final long[] amount;
    private final int[] to;
    /** The index of the transfer id's prefix, before its UUID. */
    private final int[] prefix;
    /** The status's ordinal, and the reason's ordinal plus one, a byte each. */
    private final int[] transferInfo;
    private final String[] reference;
    private final String[] prefixes;
    private final String[] keys;
    private final byte[] hashes;
    private final int[] keyedRow;
    private final int[] byId;
    private final int[] byKey;
    /** Set by the writer, read by anyone: the live results that replaced these. */
    private final long[] idSuperseded;
    private final long[] keySuperseded;
    private final RestoredHorizons horizons;

    private RestoredResults(Builder built) {
        accountIds = built.accountIds;
        size = built.size;
        // The builder's arrays as they are, sized by the snapshot's count: copying them to size would cost a copy of the
        // lot. Those of transfers and keys grew by doubling: trimmed, they take up to half less.
        idHigh = built.idHigh;
        idLow = built.idLow;
        micros = built.micros;
        balance = built.balance;
        version = built.version;
        account = built.account;
        partition = built.partition;
        flags = built.flags;
        keyed = built.keyed;
        int transfers = built.transfers;
        transferHigh = Arrays.copyOf(built.transferHigh, transfers);
        transferLow = Arrays.copyOf(built.transferLow, transfers);
        amount = Arrays.copyOf(built.amount, transfers);
        to = Arrays.copyOf(built.to, transfers);
        prefix = Arrays.copyOf(built.prefix, transfers);
        transferInfo = Arrays.copyOf(built.transferInfo, transfers);
        reference = Arrays.copyOf(built.reference, transfers);
        prefixes = new String[built.prefixes.size()];
        built.prefixes.forEach((text, index) -> prefixes[index] = text);
        int keyedCount = built.keyedCount;
        keys = Arrays.copyOf(built.keys, keyedCount);
        hashes = Arrays.copyOf(built.hashes, keyedCount * HASH_BYTES);
        keyedRow = Arrays.copyOf(built.keyedRow, keyedCount);
        byId = new int[tableSize(size)];
        byKey = new int[tableSize(keyedCount)];
        idSuperseded = new long[(size + 63) / 64];
        keySuperseded = new long[(keyedCount + 63) / 64];
        // The two tables are apart: a large keys' table is built on a thread of its own meanwhile (a restore waits for
        // both, on a machine whose other core is idle by then).
        var keysIndexed = keyedCount < OWN_THREAD_KEYS ? null : new Thread(this::indexKeys, "ledger-snapshot-index-keys");
        if (keysIndexed == null) {
            indexKeys();
        } else {
            keysIndexed.start();
        }
        int partitions = 0;
        for (int i = 0; i < size; i++) {
            partitions = Math.max(partitions, partition[i] + 1);
            indexId(i);
        }
        if (keysIndexed != null) {
            joinUninterruptibly(keysIndexed);
        }
        horizons = new RestoredHorizons(partitions);
    }

    /**
     * A power of two, filled to at most 0.6: a miss (the rules look up every new command, which a
     * restored instance finds in none of these) ends after about four probes in one or two cache lines.
     */
    static int tableSize(int entries) {
        long least = Math.max(2, (entries * 5L + 2) / 3);
        return Integer.highestOneBit((int) least - 1) << 1;
    }

    /** A later row with the same id and account replaces an earlier one (a cut may give a row twice). */
    private void indexId(int row) {
        int mask = byId.length - 1;
        int slot = mix(idHigh[row], idLow[row]) & mask;
        while (byId[slot] != 0 && !(sameId(byId[slot] - 1, idHigh[row], idLow[row]) && account[byId[slot] - 1] == account[row])) {
            slot = (slot + 1) & mask;
        }
        byId[slot] = row + 1;
    }

    /** Keyed rows come in row order: a later one of the same key replaces an earlier one, unless older. */
    private void indexKeys() {
        int keyMask = byKey.length - 1;
        for (int k = 0; k < keys.length; k++) {
            int keySlot = keys[k].hashCode() * 0x9E3779B9 & keyMask;
            while (byKey[keySlot] != 0 && !keys[byKey[keySlot] - 1].equals(keys[k])) {
                keySlot = (keySlot + 1) & keyMask;
            }
            if (byKey[keySlot] == 0 || micros[keyedRow[byKey[keySlot] - 1]] <= micros[keyedRow[k]]) {
                byKey[keySlot] = k + 1;
            }
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static int mix(long high, long low) {
        long h = (high ^ Long.rotateLeft(low, 32)) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private boolean sameId(int row, long high, long low) {
        return idHigh[row] == high && idLow[row] == low;
    }

    int size() {
        return size;
    }

    /** The row of this canonical UUID command id on this account (on any, when null), or -1. */
    private int find(long high, long low, String accountId) {
        int mask = byId.length - 1;
        for (int slot = mix(high, low) & mask; byId[slot] != 0; slot = (slot + 1) & mask) {
            int row = byId[slot] - 1;
            if (sameId(row, high, low) && (accountId == null || accountIds[account[row]].equals(accountId))) {
                return row;
            }
        }
        return -1;
    }

    /** The keyed row of this Idempotency-Key, or -1. */
    private int findKey(String key) {
        int mask = byKey.length - 1;
        for (int slot = key.hashCode() * 0x9E3779B9 & mask; byKey[slot] != 0; slot = (slot + 1) & mask) {
            if (keys[byKey[slot] - 1].equals(key)) {
                return byKey[slot] - 1;
            }
        }
        return -1;
    }

    private boolean kept(int row) {
        return horizons.kept(partition[row], micros[row]);
    }

    /** Read with acquire: a writer marks a row once it has stored what replaces it, which a reader seeing the mark sees too. */
    static boolean marked(long[] bits, int index) {
        return ((long) BITS.getAcquire(bits, index >>> 6) & 1L << index) != 0;
    }

    /** Atomic: each partition's writer marks its own rows, and two partitions' rows may share a word. */
    static void mark(long[] bits, int index) {
        BITS.getAndBitwiseOr(bits, index >>> 6, 1L << index);
    }

    /** The writer's: results on {@code partition} from before {@code horizon} have expired. */
    void expire(int onPartition, long horizon) {
        horizons.expire(onPartition, horizon);
    }

    /** The writer's, before it stores a live result under this command id and account: a restored one under them is replaced. */
    void supersede(long high, long low, String accountId) {
        int row = size == 0 ? -1 : find(high, low, accountId);
        if (row >= 0) {
            mark(idSuperseded, row);
        }
    }

    /** The writer's, before it stores a live result under this Idempotency-Key: a restored one under it is replaced. */
    void supersede(String idempotencyKey) {
        int k = size == 0 ? -1 : findKey(idempotencyKey);
        if (k >= 0) {
            mark(keySuperseded, k);
        }
    }

    /** @param accountId the command's account, or null for the first found on any */
    Optional<CommandResult> get(long high, long low, String accountId, Function<String, Optional<Account>> accounts) {
        int row = find(high, low, accountId);
        return row >= 0 && !marked(idSuperseded, row) && kept(row) ? Optional.of(result(row, accounts)) : Optional.empty();
    }

    Optional<CommandResult> byIdempotencyKey(String key, Function<String, Optional<Account>> accounts) {
        int k = findKey(key);
        if (k < 0 || marked(keySuperseded, k) || !kept(keyedRow[k])) {
            return Optional.empty();
        }
        return Optional.of(result(keyedRow[k], accounts));
    }

    private CommandResult result(int row, Function<String, Optional<Account>> accounts) {
        var accountId = accountIds[account[row]];
        var current = accounts.apply(accountId).orElseThrow(() -> new IllegalStateException("accounts are never removed: " + accountId));
        var left = (flags[row] & ACCOUNT) == 0 ? null
                : new Account(accountId, current.owner(), current.currency(), balance[row], version[row]);
        Transfer transfer = null;
        if ((flags[row] & TRANSFER) != 0) {
            int t = (int) balance[row];
            int info = transferInfo[t];
            int reason = info & 0xFF;
            transfer = new Transfer(prefixes[prefix[t]] + new UUID(transferHigh[t], transferLow[t]), accountId, accountIds[to[t]],
                    amount[t], current.currency(), STATUSES[info >>> 8], reason == 0 ? null : REJECTIONS[reason - 1], true,
                    reference[t]);
        }
        int k = keyed[row];
        int rejection = flags[row] & 0xF;
        return new CommandResult(new UUID(idHigh[row], idLow[row]).toString(), accountId, k < 0 ? null : keys[k],
                k < 0 ? null : HEX.formatHex(hashes, k * HASH_BYTES, (k + 1) * HASH_BYTES),
                rejection == 0 ? null : REJECTIONS[rejection - 1], left, transfer);
    }

    /** What the writer had superseded when a cut began, for {@link #forEachAtCut}. */
    long[] supersededAtCut() {
        return idSuperseded.clone();
    }

    /**
     * Every row still held at a cut, in compact form.
     *
     * @param superseded {@link #supersededAtCut} when the cut began
     * @param horizonAtCut per partition, the horizon at the cut
     * @param accountIndex an account id's index in the snapshot being written
     */
    void forEachAtCut(long[] superseded, IntToLongFunction horizonAtCut, ToIntFunction<String> accountIndex,
                      Consumer<Row> action) {
        var row = new Row();
        for (int i = 0; i < size; i++) {
            if (marked(superseded, i) || micros[i] < horizonAtCut.applyAsLong(partition[i])) {
                continue;
            }
            row.idHigh = idHigh[i];
            row.idLow = idLow[i];
            row.account = accountIndex.applyAsInt(accountIds[account[i]]);
            row.partition = partition[i];
            row.eventMicros = micros[i];
            int rejection = flags[i] & 0xF;
            row.rejection = rejection == 0 ? null : REJECTIONS[rejection - 1];
            row.accountLeft = (flags[i] & ACCOUNT) != 0;
            row.balance = row.accountLeft ? balance[i] : 0;
            row.version = version[i];
            row.transferLeft = (flags[i] & TRANSFER) != 0;
            if (row.transferLeft) {
                int t = (int) balance[i];
                int info = transferInfo[t];
                row.transferPrefix = prefixes[prefix[t]];
                row.transferHigh = transferHigh[t];
                row.transferLow = transferLow[t];
                row.to = accountIndex.applyAsInt(accountIds[to[t]]);
                row.amount = amount[t];
                row.status = STATUSES[info >>> 8];
                int reason = info & 0xFF;
                row.reason = reason == 0 ? null : REJECTIONS[reason - 1];
                row.reference = reference[t];
            }
            int k = keyed[i];
            row.idempotencyKey = k < 0 ? null : keys[k];
            if (k >= 0) {
                System.arraycopy(hashes, k * HASH_BYTES, row.requestHash, 0, HASH_BYTES);
            }
            action.accept(row);
        }
    }

    /**
     * One command result in compact form: a UUID command id, accounts by their index in the
     * snapshot, a request hash of {@value #HASH_BYTES} bytes, a transfer as the command left it with
     * an id of a prefix and a UUID and the sender's currency. One instance, filled row after row.
     */
    static final class Row {
        long idHigh;
        long idLow;
        int account;
        int partition;
        long eventMicros;
        Rejection rejection;
        boolean accountLeft;
        long balance;
        long version;
        boolean transferLeft;
        String transferPrefix;
        long transferHigh;
        long transferLow;
        int to;
        long amount;
        TransferStatus status;
        Rejection reason;
        String reference;
        /** Null when the command had none; then {@link #requestHash} means nothing. */
        String idempotencyKey;
        final byte[] requestHash = new byte[HASH_BYTES];
    }

    /** Takes rows as a snapshot is read; sized by the snapshot's own count, grown if it was short. */
    static final class Builder {
        private final String[] accountIds;
        private int size;
        private long[] idHigh;
        private long[] idLow;
        private long[] micros;
        private long[] balance;
        private int[] version;
        private int[] account;
        private int[] partition;
        private byte[] flags;
        private int[] keyed;
        private int transfers;
        private long[] transferHigh = new long[16];
        private long[] transferLow = new long[16];
        private long[] amount = new long[16];
        private int[] to = new int[16];
        private int[] prefix = new int[16];
        private int[] transferInfo = new int[16];
        private String[] reference = new String[16];
        private final Map<String, Integer> prefixes = new HashMap<>();
        private int keyedCount;
        private String[] keys = new String[16];
        private byte[] hashes = new byte[16 * HASH_BYTES];
        private int[] keyedRow = new int[16];

        /** @param accountIds the snapshot's accounts, in its order */
        Builder(String[] accountIds, int expected) {
            this.accountIds = accountIds;
            int capacity = Math.max(16, expected);
            idHigh = new long[capacity];
            idLow = new long[capacity];
            micros = new long[capacity];
            balance = new long[capacity];
            version = new int[capacity];
            account = new int[capacity];
            partition = new int[capacity];
            flags = new byte[capacity];
            keyed = new int[capacity];
        }

        void add(Row row) {
            if (size == idHigh.length) {
                int capacity = size * 2;
                idHigh = Arrays.copyOf(idHigh, capacity);
                idLow = Arrays.copyOf(idLow, capacity);
                micros = Arrays.copyOf(micros, capacity);
                balance = Arrays.copyOf(balance, capacity);
                version = Arrays.copyOf(version, capacity);
                account = Arrays.copyOf(account, capacity);
                partition = Arrays.copyOf(partition, capacity);
                flags = Arrays.copyOf(flags, capacity);
                keyed = Arrays.copyOf(keyed, capacity);
            }
            int i = size++;
            idHigh[i] = row.idHigh;
            idLow[i] = row.idLow;
            micros[i] = row.eventMicros;
            account[i] = row.account;
            partition[i] = row.partition;
            version[i] = (int) row.version;
            int bits = row.rejection == null ? 0 : row.rejection.ordinal() + 1;
            if (row.accountLeft) {
                bits |= ACCOUNT;
                balance[i] = row.balance;
            }
            if (row.transferLeft) {
                bits |= TRANSFER;
                balance[i] = addTransfer(row);
            }
            flags[i] = (byte) bits;
            keyed[i] = row.idempotencyKey == null ? -1 : addKeyed(row, i);
        }

        private int addTransfer(Row row) {
            if (transfers == transferHigh.length) {
                int capacity = transfers * 2;
                transferHigh = Arrays.copyOf(transferHigh, capacity);
                transferLow = Arrays.copyOf(transferLow, capacity);
                amount = Arrays.copyOf(amount, capacity);
                to = Arrays.copyOf(to, capacity);
                prefix = Arrays.copyOf(prefix, capacity);
                transferInfo = Arrays.copyOf(transferInfo, capacity);
                reference = Arrays.copyOf(reference, capacity);
            }
            int t = transfers++;
            transferHigh[t] = row.transferHigh;
            transferLow[t] = row.transferLow;
            amount[t] = row.amount;
            to[t] = row.to;
            prefix[t] = prefixes.computeIfAbsent(row.transferPrefix, p -> prefixes.size());
            transferInfo[t] = row.status.ordinal() << 8 | (row.reason == null ? 0 : row.reason.ordinal() + 1);
            reference[t] = row.reference;
            return t;
        }

        private int addKeyed(Row row, int entry) {
            if (keyedCount == keys.length) {
                int capacity = keyedCount * 2;
                keys = Arrays.copyOf(keys, capacity);
                hashes = Arrays.copyOf(hashes, capacity * HASH_BYTES);
                keyedRow = Arrays.copyOf(keyedRow, capacity);
            }
            int k = keyedCount++;
            keys[k] = row.idempotencyKey;
            System.arraycopy(row.requestHash, 0, hashes, k * HASH_BYTES, HASH_BYTES);
            keyedRow[k] = entry;
            return k;
        }

        RestoredResults build() {
            return new RestoredResults(this);
        }
    }
}
