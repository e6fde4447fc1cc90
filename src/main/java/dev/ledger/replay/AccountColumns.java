package dev.ledger.replay;

import dev.ledger.domain.Account;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The accounts by id, as columns: an account is a row, found through an open-addressing table,
 * its owner as bytes (UTF-8 but for surrogates, see {@link #encode}), its currency as a number,
 * its balance and version as longs, and made into an {@link Account} only when read. As records in a concurrent hash map an account took
 * about 200 bytes of heap (the record 40, its owner string 64, the map's node and table 40, and
 * its id); as a row it takes its id and about 60 bytes (see BENCHMARKS.md).
 *
 * <p>Writers (the applying threads) put under this object's lock; readers never wait. Rows are
 * never removed nor moved; a new row's columns are written before the table entry that leads to it
 * is published. A row's balance and version change together under a sequence number, odd while
 * they are being written, which a reader checks before and after reading them, so it never sees
 * one without the other. When the columns are full they are copied into larger ones, published
 * whole; a reader that still holds the old ones reads the accounts as they stood a moment before.
 */
final class AccountColumns {

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int MIN_ROWS = 1024;
    /** Every currency code (three upper-case letters) by its number, the first instance seen of each. */
    private static final String[] CURRENCIES = new String[26 * 26 * 26];

    private volatile Columns columns = new Columns(MIN_ROWS, MIN_ROWS * 16);

    /** The account of this id, or null. */
    Account get(String accountId) {
        var in = columns;
        int row = in.find(accountId);
        if (row < 0) {
            return null;
        }
        long balance;
        long version;
        for (; ; ) {
            int before = (int) INTS.getAcquire(in.sequence, row);
            balance = in.balance[row];
            version = in.version[row];
            VarHandle.loadLoadFence();
            if ((before & 1) == 0 && (int) INTS.getOpaque(in.sequence, row) == before) {
                break;
            }
            Thread.onSpinWait();
        }
        int start = row == 0 ? 0 : in.ownerEnd[row - 1];
        return new Account(in.ids[row], decode(in.owners, start, in.ownerEnd[row]), CURRENCIES[in.currency[row]], balance, version);
    }

    /**
     * An owner's bytes: UTF-8, except that each UTF-16 unit is encoded on its own (a surrogate as
     * three bytes), so that any owner reads back exactly, a lone surrogate included, which UTF-8
     * would turn into '?'. The same bytes as UTF-8 for every character outside the supplementary planes.
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
        var text = new StringBuilder(end - start);
        for (int i = start; i < end; ) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                text.append((char) b);
                i++;
            } else if (b < 0xE0) {
                text.append((char) ((b & 0x1F) << 6 | bytes[i + 1] & 0x3F));
                i += 2;
            } else {
                text.append((char) ((b & 0x0F) << 12 | (bytes[i + 1] & 0x3F) << 6 | bytes[i + 2] & 0x3F));
                i += 3;
            }
        }
        return text.toString();
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
            int sequence = in.sequence[row];
            INTS.setOpaque(in.sequence, row, sequence + 1);
            VarHandle.storeStoreFence();
            in.balance[row] = account.balance();
            in.version[row] = account.version();
            INTS.setRelease(in.sequence, row, sequence + 2);
            return false;
        }
        var owner = encode(account.owner());
        if (in.rows == in.ids.length || in.ownerBytes() + owner.length > in.owners.length) {
            in = in.grown(owner.length);
            columns = in;
        }
        in.add(account, owner, currencyNumber(account.currency()));
        return true;
    }

    synchronized void clear() {
        columns = new Columns(MIN_ROWS, MIN_ROWS * 16);
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
        /** The id as the event that opened the account had it; the id order holds the same instances. */
        final String[] ids;
        /** Every owner's bytes ({@link #encode}), one after the other in row order; a row's end is in {@link #ownerEnd}. */
        final byte[] owners;
        final int[] ownerEnd;
        final short[] currency;
        final long[] balance;
        final long[] version;
        /** Even when the row's balance and version are whole, odd while they are being written. */
        final int[] sequence;
        /** Row plus one, by id; 0 is empty. */
        final int[] table;
        int rows;

        Columns(int capacity, int ownerCapacity) {
            ids = new String[capacity];
            owners = new byte[ownerCapacity];
            ownerEnd = new int[capacity];
            currency = new short[capacity];
            balance = new long[capacity];
            version = new long[capacity];
            sequence = new int[capacity];
            table = new int[tableSize(capacity)];
        }

        int ownerBytes() {
            return rows == 0 ? 0 : ownerEnd[rows - 1];
        }

        int find(String accountId) {
            int mask = table.length - 1;
            for (int slot = spread(accountId.hashCode()) & mask, entry; (entry = (int) INTS.getAcquire(table, slot)) != 0;
                 slot = (slot + 1) & mask) {
                if (ids[entry - 1].equals(accountId)) {
                    return entry - 1;
                }
            }
            return -1;
        }

        void add(Account account, byte[] owner, short currencyNumber) {
            int start = ownerBytes();
            int row = rows++;
            System.arraycopy(owner, 0, owners, start, owner.length);
            ownerEnd[row] = start + owner.length;
            ids[row] = account.accountId();
            currency[row] = currencyNumber;
            balance[row] = account.balance();
            version[row] = account.version();
            INTS.setRelease(table, emptySlot(account.accountId()), row + 1);
        }

        private int emptySlot(String accountId) {
            int mask = table.length - 1;
            int slot = spread(accountId.hashCode()) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        /** A quarter larger, with room for {@code ownerLength} more bytes of owner. */
        Columns grown(int ownerLength) {
            int capacity = rows == ids.length ? rows + rows / 4 + 1 : ids.length;
            int ownerCapacity = Math.max(owners.length, ownerBytes() + ownerLength);
            var bigger = new Columns(capacity, ownerCapacity + ownerCapacity / 4 + 1);
            System.arraycopy(ids, 0, bigger.ids, 0, rows);
            System.arraycopy(owners, 0, bigger.owners, 0, ownerBytes());
            System.arraycopy(ownerEnd, 0, bigger.ownerEnd, 0, rows);
            System.arraycopy(currency, 0, bigger.currency, 0, rows);
            System.arraycopy(balance, 0, bigger.balance, 0, rows);
            System.arraycopy(version, 0, bigger.version, 0, rows);
            System.arraycopy(sequence, 0, bigger.sequence, 0, rows);
            bigger.rows = rows;
            for (int row = 0; row < rows; row++) {
                bigger.table[bigger.emptySlot(ids[row])] = row + 1;
            }
            return bigger;
        }
    }
}
