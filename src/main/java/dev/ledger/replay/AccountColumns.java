package dev.ledger.replay;

import dev.ledger.domain.Account;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The accounts, as columns: an account is a row, found by id through an open-addressing table, its
 * id and owner as bytes (UTF-8 but for surrogates, see {@link #encode}), its currency as a number,
 * its balance and version as longs, and made into an {@link Account} only when read. Rows are
 * numbered in the order the accounts were opened, so the id order ({@link AccountOrder}) and the
 * command results ({@link CommandResults}) name an account by its row: no id string is kept per
 * account (one took 56 bytes, about a fifth of the heap per account, see BENCHMARKS.md).
 *
 * <p>Writers (the applying threads) put under this object's lock; readers never wait. Rows are
 * never removed nor moved; a new row's columns are written before the table entry that leads to it
 * is published, and before {@link #rows()} counts it. A row's balance and version change together
 * under a sequence number, odd while they are being written, which a reader checks before and after
 * reading them, so it never sees one without the other: one number for a stripe of rows (every
 * {@value #STRIPES}th row), since writers put one at a time, which takes 16 KB in all where a number
 * per row took 4 bytes an account. When the columns are full they are copied
 * into larger ones, published whole; a reader that still holds the old ones reads the accounts as
 * they stood a moment before.
 */
final class AccountColumns implements CommandResults.Accounts {

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int MIN_ROWS = 1024;
    private static final int STRIPES = 4096;
    /** Every currency code (three upper-case letters) by its number, the first instance seen of each. */
    private static final String[] CURRENCIES = new String[26 * 26 * 26];

    private volatile Columns columns = new Columns(MIN_ROWS, MIN_ROWS * 16, MIN_ROWS * 16);
    /** Per stripe of rows, even when their balances and versions are whole, odd while one is being written. */
    private final int[] sequences = new int[STRIPES];
    /** Rows whose columns are written, counted once each is: the id order takes every row below. */
    private volatile int rows;

    /** The account of this id, or null. */
    Account get(String accountId) {
        var in = columns;
        int row = in.find(accountId);
        // The caller's id is the account's: no string is made from the row's bytes.
        return row < 0 ? null : in.account(row, accountId, sequences);
    }

    @Override
    public int row(String accountId) {
        return columns.find(accountId);
    }

    /** The account in {@code row} as it is now, or null for a row not counted by {@link #rows()} (cleared since). */
    @Override
    public Account account(int row) {
        // The count first: columns read after it hold every row it counts.
        if (row >= rows) {
            return null;
        }
        var in = columns;
        return in.account(row, in.id(row), sequences);
    }

    @Override
    public String currency(int row) {
        return CURRENCIES[columns.currency[row]];
    }

    /** Rows opened so far; every row below is whole. */
    int rows() {
        return rows;
    }

    /** Compares the ids of two rows below {@link #rows()}, in {@link String#compareTo} order. */
    int compare(int a, int b) {
        var in = columns;
        return Arrays.compareUnsigned(in.ids, in.idStart(a), in.idEnd[a], in.ids, in.idStart(b), in.idEnd[b]);
    }

    /** Compares the id of a row below {@link #rows()} with {@code accountId}, in {@link String#compareTo} order. */
    int compare(int row, String accountId) {
        var in = columns;
        int i = in.idStart(row);
        int end = in.idEnd[row];
        for (int k = 0; k < accountId.length(); k++) {
            if (i == end) {
                return -1;
            }
            int unit = unitAt(in.ids, i);
            if (unit != accountId.charAt(k)) {
                return unit - accountId.charAt(k);
            }
            i += unitLength(in.ids[i]);
        }
        return i == end ? 0 : 1;
    }

    /**
     * An owner's or an id's bytes: UTF-8, except that each UTF-16 unit is encoded on its own (a
     * surrogate as three bytes), so that any text reads back exactly, a lone surrogate included,
     * which UTF-8 would turn into '?'. The same bytes as UTF-8 for every character outside the
     * supplementary planes; like UTF-8, comparing them byte by byte, unsigned, orders them as their
     * texts.
     */
    static byte[] encode(String text) {
        var out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out.write(c);
            } else if (c < 0x800) {
                out.write(0xC0 | c >> 6);
                out.write(0x80 | c & 0x3F);
            } else {
                out.write(0xE0 | c >> 12);
                out.write(0x80 | c >> 6 & 0x3F);
                out.write(0x80 | c & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /** The text {@link #encode} made {@code bytes[start, end)} of. */
    static String decode(byte[] bytes, int start, int end) {
        // Ids and owners are nearly always ASCII, which the JDK copies into a String at once.
        int ascii = start;
        while (ascii < end && bytes[ascii] >= 0) {
            ascii++;
        }
        if (ascii == end) {
            return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        }
        var text = new StringBuilder(end - start);
        for (int i = start; i < end; i += unitLength(bytes[i])) {
            text.append((char) unitAt(bytes, i));
        }
        return text.toString();
    }

    private static int unitLength(byte lead) {
        int b = lead & 0xFF;
        return b < 0x80 ? 1 : b < 0xE0 ? 2 : 3;
    }

    /** The UTF-16 unit {@link #encode} wrote at {@code i}. */
    private static int unitAt(byte[] bytes, int i) {
        int b = bytes[i] & 0xFF;
        if (b < 0x80) {
            return b;
        }
        if (b < 0xE0) {
            return (b & 0x1F) << 6 | bytes[i + 1] & 0x3F;
        }
        return (b & 0x0F) << 12 | (bytes[i + 1] & 0x3F) << 6 | bytes[i + 2] & 0x3F;
    }

    /**
     * Puts an account; one of the same id already held keeps its id, owner and currency (they never
     * change) and takes this one's balance and version.
     *
     * @return whether the id was new
     */
    synchronized boolean put(Account account) {
        var in = columns;
        int row = in.find(account.accountId());
        if (row >= 0) {
            int stripe = row & (STRIPES - 1);
            int sequence = sequences[stripe];
            INTS.setOpaque(sequences, stripe, sequence + 1);
            VarHandle.storeStoreFence();
            in.balance[row] = account.balance();
            in.version[row] = account.version();
            INTS.setRelease(sequences, stripe, sequence + 2);
            return false;
        }
        var id = encode(account.accountId());
        var owner = encode(account.owner());
        if (in.rows == in.idEnd.length || in.idBytes() + id.length > in.ids.length || in.ownerBytes() + owner.length > in.owners.length) {
            in = in.grown(id.length, owner.length);
            columns = in;
        }
        in.add(account, id, owner, currencyNumber(account.currency()));
        rows = in.rows;
        return true;
    }

    synchronized void clear() {
        columns = new Columns(MIN_ROWS, MIN_ROWS * 16, MIN_ROWS * 16);
        rows = 0;
    }

    /**
     * The accounts as they stand now, readable however they change afterwards: their balances and
     * versions copied (16 bytes an account, once), the rest never changes. To be called while no
     * writer writes (between two batches); the writers then pay nothing for it.
     */
    synchronized Cut cut() {
        var in = columns;
        return new Cut(in, in.rows, Arrays.copyOf(in.balance, in.rows), Arrays.copyOf(in.version, in.rows));
    }

    /** The accounts at a cut: rows below {@link #rows()}, with the balance and version each had then. */
    static final class Cut {
        private final Columns columns;
        private final int rows;
        private final long[] balance;
        private final long[] version;

        private Cut(Columns columns, int rows, long[] balance, long[] version) {
            this.columns = columns;
            this.rows = rows;
            this.balance = balance;
            this.version = version;
        }

        int rows() {
            return rows;
        }

        /** The row of this id at the cut, or -1 for an account opened after it or never. */
        int row(String accountId) {
            int row = columns.find(accountId);
            return row < rows ? row : -1;
        }

        Account account(int row) {
            var in = columns;
            int start = in.ownerStart(row);
            return new Account(in.id(row), decode(in.owners, start, in.ownerEnd[row]), CURRENCIES[in.currency[row]], balance[row],
                    version[row]);
        }
    }

    private static short currencyNumber(String currency) {
        int number = ((currency.charAt(0) - 'A') * 26 + currency.charAt(1) - 'A') * 26 + currency.charAt(2) - 'A';
        if (CURRENCIES[number] == null) {
            CURRENCIES[number] = currency;
        }
        return (short) number;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * A power of two, filled to at most three quarters when the columns are full: every event
     * looks its account up.
     */
    private static int tableSize(int capacity) {
        return Integer.highestOneBit(Math.max(2, capacity / 3 * 4 + 3) - 1) << 1;
    }

    private static final class Columns {
        /** Every id's bytes ({@link #encode}), one after the other in row order; a row's end is in {@link #idEnd}. */
        final byte[] ids;
        final int[] idEnd;
        /** Every owner's bytes, the same way. */
        final byte[] owners;
        final int[] ownerEnd;
        final short[] currency;
        final long[] balance;
        final long[] version;
        /** Row plus one, by id; 0 is empty. */
        final int[] table;
        int rows;

        Columns(int capacity, int idCapacity, int ownerCapacity) {
            ids = new byte[idCapacity];
            idEnd = new int[capacity];
            owners = new byte[ownerCapacity];
            ownerEnd = new int[capacity];
            currency = new short[capacity];
            balance = new long[capacity];
            version = new long[capacity];
            table = new int[tableSize(capacity)];
        }

        int idStart(int row) {
            return row == 0 ? 0 : idEnd[row - 1];
        }

        int ownerStart(int row) {
            return row == 0 ? 0 : ownerEnd[row - 1];
        }

        int idBytes() {
            return rows == 0 ? 0 : idEnd[rows - 1];
        }

        int ownerBytes() {
            return rows == 0 ? 0 : ownerEnd[rows - 1];
        }

        String id(int row) {
            return decode(ids, idStart(row), idEnd[row]);
        }

        /** The account in {@code row}, whose id is {@code accountId}, with a balance and version read together. */
        Account account(int row, String accountId, int[] sequences) {
            int stripe = row & (STRIPES - 1);
            long balanceNow;
            long versionNow;
            for (; ; ) {
                int before = (int) INTS.getAcquire(sequences, stripe);
                balanceNow = balance[row];
                versionNow = version[row];
                VarHandle.loadLoadFence();
                if ((before & 1) == 0 && (int) INTS.getOpaque(sequences, stripe) == before) {
                    break;
                }
                Thread.onSpinWait();
            }
            return new Account(accountId, decode(owners, ownerStart(row), ownerEnd[row]), CURRENCIES[currency[row]], balanceNow,
                    versionNow);
        }

        /** {@link String#hashCode} of the row's id, from its bytes. */
        int hash(int row) {
            int h = 0;
            for (int i = idStart(row), end = idEnd[row]; i < end; i += unitLength(ids[i])) {
                h = 31 * h + unitAt(ids, i);
            }
            return h;
        }

        boolean sameId(int row, String accountId) {
            int i = idStart(row);
            int end = idEnd[row];
            // Each unit takes one byte or more: a shorter id cannot be it.
            if (end - i < accountId.length()) {
                return false;
            }
            for (int k = 0; k < accountId.length(); k++) {
                if (i == end || unitAt(ids, i) != accountId.charAt(k)) {
                    return false;
                }
                i += unitLength(ids[i]);
            }
            return i == end;
        }

        int find(String accountId) {
            int mask = table.length - 1;
            for (int slot = spread(accountId.hashCode()) & mask, entry; (entry = (int) INTS.getAcquire(table, slot)) != 0;
                 slot = (slot + 1) & mask) {
                if (sameId(entry - 1, accountId)) {
                    return entry - 1;
                }
            }
            return -1;
        }

        void add(Account account, byte[] id, byte[] owner, short currencyNumber) {
            int idStart = idBytes();
            int ownerStart = ownerBytes();
            int row = rows;
            System.arraycopy(id, 0, ids, idStart, id.length);
            idEnd[row] = idStart + id.length;
            System.arraycopy(owner, 0, owners, ownerStart, owner.length);
            ownerEnd[row] = ownerStart + owner.length;
            currency[row] = currencyNumber;
            balance[row] = account.balance();
            version[row] = account.version();
            rows++;
            INTS.setRelease(table, emptySlot(account.accountId().hashCode()), row + 1);
        }

        private int emptySlot(int hash) {
            int mask = table.length - 1;
            int slot = spread(hash) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        /** A quarter larger where full, with room for {@code idLength} more bytes of id and {@code ownerLength} of owner. */
        Columns grown(int idLength, int ownerLength) {
            int capacity = rows == idEnd.length ? rows + rows / 4 + 1 : idEnd.length;
            int idCapacity = Math.max(ids.length, idBytes() + idLength);
            int ownerCapacity = Math.max(owners.length, ownerBytes() + ownerLength);
            var bigger = new Columns(capacity, idCapacity + idCapacity / 4 + 1, ownerCapacity + ownerCapacity / 4 + 1);
            System.arraycopy(ids, 0, bigger.ids, 0, idBytes());
            System.arraycopy(idEnd, 0, bigger.idEnd, 0, rows);
            System.arraycopy(owners, 0, bigger.owners, 0, ownerBytes());
            System.arraycopy(ownerEnd, 0, bigger.ownerEnd, 0, rows);
            System.arraycopy(currency, 0, bigger.currency, 0, rows);
            System.arraycopy(balance, 0, bigger.balance, 0, rows);
            System.arraycopy(version, 0, bigger.version, 0, rows);
            bigger.rows = rows;
            for (int row = 0; row < rows; row++) {
                bigger.table[bigger.emptySlot(hash(row))] = row + 1;
            }
            return bigger;
        }
    }
}
