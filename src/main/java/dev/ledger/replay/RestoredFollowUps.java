package dev.ledger.replay;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;

/**
 * Applied follow-up ids restored from a snapshot, kept in the snapshot's compact form: an id
 * {@code <prefix><uuid>/<sender>/<step>} as the prefix's and the step's index in the snapshot's
 * table of texts, the UUID's two longs and the sender's account row, in columns found through an
 * open-addressing table. Restoring each as a string, a record, a map entry and an entry of its
 * partition's expiry queue took a quarter of a restore's decoding time; filling arrays takes a
 * fraction of it. An id of any other form is restored into the live map as before.
 *
 * <p>Immutable but for what the writers mark, exactly as for the live ids: an id applied again
 * since (superseded: the live one answers from then on), and per partition the horizon before
 * which ids have expired, which {@link ReplayState} moves before each event exactly where it
 * drops live ids.
 */
final class RestoredFollowUps {

    static final RestoredFollowUps NONE = new Builder(List.of(), 0).build();

    private static final int UUID_TEXT = 36;

    private final String[] texts;
    private final Map<String, Integer> textIndex;
    private final int size;
    private final long[] high;
    private final long[] low;
    private final int[] prefix;
    private final int[] sender;
    private final int[] step;
    private final int[] partition;
    private final long[] micros;
    private final int[] byId;
    /** Set by the writers, read by anyone: the ids applied live since. */
    private final long[] superseded;
    private final RestoredHorizons horizons;

    private RestoredFollowUps(Builder built) {
        texts = built.texts.toArray(String[]::new);
        textIndex = new HashMap<>();
        for (int i = 0; i < texts.length; i++) {
            textIndex.putIfAbsent(texts[i], i);
        }
        size = built.size;
        high = built.high;
        low = built.low;
        prefix = built.prefix;
        sender = built.sender;
        step = built.step;
        partition = built.partition;
        micros = built.micros;
        byId = new int[RestoredResults.tableSize(size)];
        int partitions = 0;
        for (int row = 0; row < size; row++) {
            partitions = Math.max(partitions, partition[row] + 1);
            index(row);
        }
        superseded = new long[(size + 63) / 64];
        horizons = new RestoredHorizons(partitions);
    }

    private static int hash(long high, long low, int prefix, int sender, int step) {
        return RestoredResults.mix(high ^ (long) prefix << 32 ^ step, low ^ sender);
    }

    /** A later row of the same id and partition replaces an earlier one (a cut may give an id twice). */
    private void index(int row) {
        int mask = byId.length - 1;
        int slot = hash(high[row], low[row], prefix[row], sender[row], step[row]) & mask;
        while (byId[slot] != 0 && !(same(byId[slot] - 1, high[row], low[row], prefix[row], sender[row], step[row])
                && partition[byId[slot] - 1] == partition[row])) {
            slot = (slot + 1) & mask;
        }
        byId[slot] = row + 1;
    }

    private boolean same(int row, long h, long l, int p, int s, int t) {
        return high[row] == h && low[row] == l && prefix[row] == p && sender[row] == s && step[row] == t;
    }

    int size() {
        return size;
    }

    /**
     * The row of {@code eventId} applied on {@code onPartition}, or -1: its parts split as
     * {@link SnapshotFormat} split them when it wrote the id, so that equal parts mean an equal id.
     *
     * @param accounts the accounts, whose rows name the senders
     */
    private int find(String eventId, int onPartition, CommandResults.Accounts accounts) {
        if (size == 0) {
            return -1;
        }
        int stepAt = eventId.lastIndexOf('/');
        int senderAt = stepAt <= 0 ? -1 : eventId.lastIndexOf('/', stepAt - 1);
        if (senderAt < UUID_TEXT) {
            return -1;
        }
        var uuid = CommandResults.canonicalUuid(eventId.substring(senderAt - UUID_TEXT, senderAt));
        Integer p = uuid == null ? null : textIndex.get(eventId.substring(0, senderAt - UUID_TEXT));
        Integer t = p == null ? null : textIndex.get(eventId.substring(stepAt + 1));
        int s = t == null ? -1 : accounts.row(eventId.substring(senderAt + 1, stepAt));
        if (s < 0) {
            return -1;
        }
        long h = uuid.getMostSignificantBits();
        long l = uuid.getLeastSignificantBits();
        int mask = byId.length - 1;
        for (int slot = hash(h, l, p, s, t) & mask; byId[slot] != 0; slot = (slot + 1) & mask) {
            if (same(byId[slot] - 1, h, l, p, s, t) && partition[byId[slot] - 1] == onPartition) {
                return byId[slot] - 1;
            }
        }
        return -1;
    }

    /**
     * Whether {@code eventId} is held, as applied on {@code onPartition}, and not expired; for one
     * applied live since, whether {@code appliedLive} holds it: the writer put it there before it
     * marked this one, so a reader that missed it there a moment ago finds it now.
     */
    boolean contains(String eventId, int onPartition, CommandResults.Accounts accounts, BooleanSupplier appliedLive) {
        int row = find(eventId, onPartition, accounts);
        if (row < 0 || !horizons.kept(partition[row], micros[row])) {
            return false;
        }
        return !RestoredResults.marked(superseded, row) || appliedLive.getAsBoolean();
    }

    /** A writer's, as it applies {@code eventId} live on {@code onPartition}: a restored one of that id there no longer answers. */
    void supersede(String eventId, int onPartition, CommandResults.Accounts accounts) {
        int row = find(eventId, onPartition, accounts);
        if (row >= 0) {
            RestoredResults.mark(superseded, row);
        }
    }

    /** {@code onPartition}'s writer's: its ids from before {@code horizon} have expired. */
    void expire(int onPartition, long horizon) {
        horizons.expire(onPartition, horizon);
    }

    /** What the writers had superseded when a cut began, for {@link #forEachAtCut}; taken while none writes. */
    long[] supersededAtCut() {
        return superseded.clone();
    }

    /** Takes each id still held at a cut, with its partition and event time. */
    interface AtCutConsumer {
        void accept(String eventId, int partition, long eventMicros);
    }

    /**
     * Every id held at a cut.
     *
     * @param supersededAtCut {@link #supersededAtCut} when the cut began
     * @param horizonAtCut per partition, the horizon at the cut
     * @param accounts the accounts, whose rows name the senders
     */
    void forEachAtCut(long[] supersededAtCut, IntToLongFunction horizonAtCut, CommandResults.Accounts accounts, AtCutConsumer action) {
        for (int row = 0; row < size; row++) {
            if (!RestoredResults.marked(supersededAtCut, row) && micros[row] >= horizonAtCut.applyAsLong(partition[row])) {
                var id = texts[prefix[row]] + new UUID(high[row], low[row]) + '/' + accounts.account(sender[row]).accountId() + '/' + texts[step[row]];
                action.accept(id, partition[row], micros[row]);
            }
        }
    }

    /** Takes ids as a snapshot is read, in its order; sized by the snapshot's own count, grown if it was short. */
    static final class Builder {
        private final List<String> texts;
        private int size;
        private long[] high;
        private long[] low;
        private int[] prefix;
        private int[] sender;
        private int[] step;
        private int[] partition;
        private long[] micros;

        /** @param texts the snapshot's table of texts, which the ids' prefixes and steps name by index; read as it grows */
        Builder(List<String> texts, int expected) {
            this.texts = texts;
            int capacity = Math.max(16, expected);
            high = new long[capacity];
            low = new long[capacity];
            prefix = new int[capacity];
            sender = new int[capacity];
            step = new int[capacity];
            partition = new int[capacity];
            micros = new long[capacity];
        }

        /** @param senderRow the sender's account row in the restored state */
        void add(long uuidHigh, long uuidLow, int prefixText, int senderRow, int stepText, int onPartition, long eventMicros) {
            if (size == high.length) {
                int capacity = size * 2;
                high = Arrays.copyOf(high, capacity);
                low = Arrays.copyOf(low, capacity);
                prefix = Arrays.copyOf(prefix, capacity);
                sender = Arrays.copyOf(sender, capacity);
                step = Arrays.copyOf(step, capacity);
                partition = Arrays.copyOf(partition, capacity);
                micros = Arrays.copyOf(micros, capacity);
            }
            int i = size++;
            high[i] = uuidHigh;
            low[i] = uuidLow;
            prefix[i] = prefixText;
            sender[i] = senderRow;
            step[i] = stepText;
            partition[i] = onPartition;
            micros[i] = eventMicros;
        }

        RestoredFollowUps build() {
            return new RestoredFollowUps(this);
        }
    }
}
