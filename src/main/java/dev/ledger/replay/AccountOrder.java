package dev.ledger.replay;

import java.util.function.IntBinaryOperator;

/**
 * Every account, in id order, for paging and the digest: the rare reads that need an order. Only
 * opening an account changes the order, so the events that change a balance never touch it. Rows
 * are numbered in the order opened ({@link AccountColumns}), so the rows opened since the last merge
 * are those from the sorted array's length up: they are sorted and merged in once a reader asks, or
 * once they are an eighth of the array (so that a reader seldom waits for many), at a cost per
 * opening of a few comparisons and copies. An array of ints: 4 bytes an account, and no queue of
 * the rows waiting.
 */
final class AccountOrder {

    private static final int MIN_MERGE = 1024;
    /** Below this, a run is sorted by insertion. */
    private static final int INSERTION = 8;

    private final AccountColumns accounts;
    /** Rows 0 to its length minus one, in id order. */
    private volatile int[] sorted = new int[0];

    AccountOrder(AccountColumns accounts) {
        this.accounts = accounts;
    }

    /** Called by a writer once it has opened an account: merges the rows opened since, once they are many. */
    void opened() {
        int merged = sorted.length;
        if (accounts.rows() - merged >= Math.max(MIN_MERGE, merged / 8)) {
            merge();
        }
    }

    /** Every row opened before this call, in id order; never changed afterwards, so the caller may walk it at leisure. */
    int[] sorted() {
        var known = sorted;
        return known.length == accounts.rows() ? known : merge();
    }

    /** The position of the first row whose id comes after {@code after} in {@code rows}, or 0 for null. */
    static int after(int[] rows, String after, AccountColumns accounts) {
        if (after == null) {
            return 0;
        }
        int low = 0;
        int high = rows.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (accounts.compare(rows[middle], after) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    synchronized void clear() {
        sorted = new int[0];
    }

    private synchronized int[] merge() {
        var old = sorted;
        int upTo = accounts.rows();
        if (upTo < old.length) {
            // The accounts were cleared since: start again.
            old = new int[0];
        }
        if (upTo == old.length) {
            return sorted = old;
        }
        var fresh = new int[upTo - old.length];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = old.length + i;
        }
        IntBinaryOperator byId = accounts::compare;
        sort(fresh.clone(), fresh, 0, fresh.length, byId);
        var merged = new int[upTo];
        int i = 0;
        int j = 0;
        for (int k = 0; k < merged.length; k++) {
            merged[k] = j == fresh.length || i < old.length && byId.applyAsInt(old[i], fresh[j]) < 0 ? old[i++] : fresh[j++];
        }
        sorted = merged;
        return merged;
    }

    /** Sorts {@code to[start, end)} by {@code order}, {@code from} holding the same rows there: a merge sort on ints, no boxing. */
    private static void sort(int[] from, int[] to, int start, int end, IntBinaryOperator order) {
        if (end - start < INSERTION) {
            for (int i = start + 1; i < end; i++) {
                for (int j = i; j > start && order.applyAsInt(to[j - 1], to[j]) > 0; j--) {
                    int row = to[j];
                    to[j] = to[j - 1];
                    to[j - 1] = row;
                }
            }
            return;
        }
        int middle = (start + end) >>> 1;
        sort(to, from, start, middle, order);
        sort(to, from, middle, end, order);
        for (int i = start, p = start, q = middle; i < end; i++) {
            to[i] = q >= end || p < middle && order.applyAsInt(from[p], from[q]) <= 0 ? from[p++] : from[q++];
        }
    }
}
