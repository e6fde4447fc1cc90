package dev.ledger.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every account id, in id order, for paging and the digest: the rare reads that need an order.
 * Only opening an account changes the order, so the events that change a balance never touch it;
 * an id opened joins a queue, merged into the sorted array once a reader asks or once the queue is
 * an eighth of the array (so a rebuild that nobody reads holds no queue of a million nodes), at a
 * cost per opening of a few comparisons and copies. An array of references: 4 bytes an account,
 * where a sorted map keeps a node and part of an index for each.
 */
final class AccountOrder {

    private static final int MIN_MERGE = 1024;

    private final ConcurrentLinkedQueue<String> opened = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile String[] sorted = new String[0];

    /** Called by a writer once, when it has put an account new to the state, so that a reader that sees the id finds it. */
    void opened(String accountId) {
        opened.add(accountId);
        if (waiting.incrementAndGet() >= Math.max(MIN_MERGE, sorted.length / 8)) {
            merge();
        }
    }

    /** Every id opened before this call, sorted; never changed afterwards, so the caller may walk it at leisure. */
    String[] sorted() {
        return waiting.get() == 0 ? sorted : merge();
    }

    /** The position of the first id after {@code after} in {@code ids}, or 0 for null. */
    static int after(String[] ids, String after) {
        if (after == null) {
            return 0;
        }
        int found = Arrays.binarySearch(ids, after);
        return found >= 0 ? found + 1 : -found - 1;
    }

    void clear() {
        synchronized (this) {
            opened.clear();
            waiting.set(0);
            sorted = new String[0];
        }
    }

    private synchronized String[] merge() {
        var added = new ArrayList<String>();
        for (String id; (id = opened.poll()) != null; ) {
            added.add(id);
        }
        waiting.addAndGet(-added.size());
        if (added.isEmpty()) {
            return sorted;
        }
        var fresh = added.toArray(String[]::new);
        Arrays.sort(fresh);
        var old = sorted;
        var merged = new String[old.length + fresh.length];
        int i = 0;
        int j = 0;
        for (int k = 0; k < merged.length; k++) {
            merged[k] = j == fresh.length || i < old.length && old[i].compareTo(fresh[j]) < 0 ? old[i++] : fresh[j++];
        }
        sorted = merged;
        return sorted;
    }
}
