package dev.ledger.group;

import dev.ledger.config.LedgerConfig;

/**
 * How many consumers a group-mode instance runs: {@code LEDGER_GROUP_CONSUMERS} while it has a
 * backlog, so that one consumer's database work overlaps another's JVM work, and
 * {@code LEDGER_GROUP_CAUGHT_UP_CONSUMERS} once it has stayed caught up for
 * {@code LEDGER_GROUP_CAUGHT_UP_AFTER}, so that a steady load is applied in fewer, larger
 * transactions. Each change is a rebalance, so it waits for a backlog worth one, and for a calm
 * that lasts.
 */
final class ConsumerScaling {

    /**
     * Not settled: a partition is still being positioned or has not been fetched yet, or the outbox
     * is being published in full claims (a catch-up's tail, whose follow-ups the topic has not got
     * yet). The count stays, and the wait starts again.
     */
    static final long UNSETTLED = -1;

    private final int busy;
    private final int caughtUp;
    private final long backlog;
    private final long caughtUpAfterNanos;
    /** Since when the backlog has stayed under {@link #backlog}, while more than {@link #caughtUp} consumers run. */
    private long calmSince;
    private boolean calm;

    ConsumerScaling(LedgerConfig.Group config) {
        this(config.consumers(), config.caughtUpConsumers(), config.backlog(), config.caughtUpAfter().toNanos());
    }

    ConsumerScaling(int busy, int caughtUp, long backlog, long caughtUpAfterNanos) {
        this.busy = busy;
        this.caughtUp = Math.min(caughtUp, busy);
        this.backlog = backlog;
        this.caughtUpAfterNanos = caughtUpAfterNanos;
    }

    /** How many consumers to start with: a new instance may well face a backlog. */
    int initial() {
        return busy;
    }

    /**
     * @param running the consumers running now
     * @param backlog the records left to read on their partitions, or {@link #UNSETTLED}
     * @return how many should run
     */
    int consumers(int running, long backlog, long nanoTime) {
        if (backlog == UNSETTLED) {
            calm = false;
            return running;
        }
        if (backlog > this.backlog) {
            calm = false;
            return busy;
        }
        if (running <= caughtUp) {
            return running;
        }
        if (!calm) {
            calm = true;
            calmSince = nanoTime;
        }
        return nanoTime - calmSince >= caughtUpAfterNanos ? caughtUp : running;
    }
}
