package dev.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The service's own settings; each also reads from the environment variable in its Javadoc. The
 * ranges of the numbers are checked at start by {@link ConfigRanges}.
 */
@ConfigMapping(prefix = "ledger")
public interface LedgerConfig {

    /** {@code LEDGER_MODE}: how this instance consumes the topic and where it keeps state. */
    @WithDefault("replay")
    Mode mode();

    /**
     * {@code LEDGER_TOPIC}: the event topic. Its default ({@code ledger-events}) is set in
     * application.properties, because the outgoing Kafka channel reads the same property.
     */
    String topic();

    /** {@code LEDGER_TOPIC_PARTITIONS}: partitions when the service creates the topic. */
    @WithDefault("6")
    int topicPartitions();

    /**
     * {@code LEDGER_DEAD_LETTER_TOPIC}: where group mode copies undecodable records. Its default
     * ({@code ledger-events-dlq}) is set in application.properties, beside the channel that writes it.
     */
    String deadLetterTopic();

    /** {@code LEDGER_COMMAND_TIMEOUT}: how long a mutation waits for its event to be applied before answering 202. */
    @WithDefault("5s")
    Duration commandTimeout();

    /**
     * {@code LEDGER_AUTH}: {@code none}, or {@code jwt} for bearer tokens verified with the MicroProfile
     * JWT settings ({@code MP_JWT_VERIFY_PUBLICKEY[_LOCATION]}, {@code MP_JWT_VERIFY_ISSUER}).
     */
    @WithDefault("none")
    Auth auth();

    /**
     * {@code LEDGER_IDEMPOTENCY_RETENTION}: how long, in event time, a command's result (for retries
     * and {@code GET /commands/{id}}) and an applied follow-up's id are kept; at least {@code PT24H}.
     */
    @WithDefault("P7D")
    Duration idempotencyRetention();

    /**
     * {@code LEDGER_PRODUCER_BATCHING_RATE}: events a second, published by this instance, from which
     * the producer is left to linger ({@code linger.ms}) and batch them; below it each event is sent
     * at once (see {@code dev.ledger.pipeline.LingerBypass}). {@code 0}: always linger.
     */
    @WithDefault("400")
    int producerBatchingRate();

    /** {@code LEDGER_SNAPSHOT_TOPIC}: where replay instances publish and find snapshots of their state. */
    @WithDefault("ledger-snapshots")
    String snapshotTopic();

    /**
     * {@code LEDGER_SNAPSHOT_INTERVAL}: a replay instance writes a snapshot once the newest one is more
     * than this many events behind its state; 0 writes none (restoring still works).
     */
    @WithDefault("1000000")
    long snapshotInterval();

    /**
     * {@code LEDGER_SNAPSHOT_CPU_SHARE}: the share of one core the thread writing a snapshot may
     * take, pausing between chunks to stay under it, so that applying goes on at nearly its full
     * rate meanwhile; 1 for no pause (the snapshot is written soonest). A tenth: on two cores that
     * the replay already fills, a quarter slowed applying by a fifth to a third (BENCHMARKS.md).
     */
    @WithDefault("0.1")
    double snapshotCpuShare();

    /**
     * {@code LEDGER_SNAPSHOT_FETCH_BYTES}: the most a restoring instance fetches from the snapshot
     * topic in one request (Kafka's {@code max.partition.fetch.bytes} and {@code fetch.max.bytes}
     * for that consumer alone): the default 1 MiB would bring two chunks a round trip.
     */
    @WithDefault("33554432")
    int snapshotFetchBytes();

    /** Replay mode's settings. */
    Replay replay();

    /** Group mode's settings. */
    Group group();

    interface Group {

        /** {@code LEDGER_GROUP_CONSUMER_GROUP}: the consumer group all group-mode instances share. */
        @WithDefault("ledger")
        String consumerGroup();

        /**
         * {@code LEDGER_GROUP_FOLLOW_UP_RETRY}: how long a follow-up may wait in the outbox, unapplied,
         * before the owner of its partition publishes it again (duplicates are applied once).
         */
        @WithDefault("10s")
        Duration followUpRetry();

        /**
         * {@code LEDGER_GROUP_CONSUMERS}: consumers per instance while it has a backlog, each a member
         * of the group with a thread, a database connection and partitions of its own. A batch is a
         * serial cycle of reading, deciding and writing; several consumers keep both the CPU and
         * PostgreSQL busy where one leaves each idle while the other works (BENCHMARKS.md). More than
         * the topic's partitions divided by the instances leaves some idle.
         */
        @WithDefault("2")
        int consumers();

        /**
         * {@code LEDGER_GROUP_CAUGHT_UP_CONSUMERS}: consumers per instance once it has caught up (at
         * most {@link #consumers()}). Under a steady load one consumer applies what each poll brings
         * in one transaction, where two split it into two: at 1,000 mutations a second that was a
         * fifth of the CPU per mutation (BENCHMARKS.md, stop 39).
         */
        @WithDefault("1")
        int caughtUpConsumers();

        /**
         * {@code LEDGER_GROUP_BACKLOG}: records left to read on an instance's partitions from which
         * it runs {@link #consumers()} again. Changing the count costs a rebalance, a pause of about
         * a second: a backlog that one consumer clears sooner is not worth it.
         */
        @WithDefault("50000")
        long backlog();

        /** {@code LEDGER_GROUP_CAUGHT_UP_AFTER}: how long an instance stays under the backlog before it runs fewer consumers. */
        @WithDefault("10s")
        Duration caughtUpAfter();

        /**
         * {@code LEDGER_GROUP_SYNCHRONOUS_COMMIT}: whether an applying transaction waits for
         * PostgreSQL to flush its commit to disk. Off by default, because the database is a
         * projection of the topic: every event is already durable on Kafka, and a batch's offsets
         * commit with its state, so a tail of commits lost in a PostgreSQL crash is applied again
         * from the recorded offsets with the same results. The flush is on every mutation's path
         * (two for a transfer) and its tail decides the p99 (BENCHMARKS.md). On for a database
         * that others read as a record of its own.
         */
        @WithDefault("false")
        boolean synchronousCommit();
    }

    interface Replay {

        /**
         * {@code LEDGER_REPLAY_OWNER_GROUP}: the consumer group replay instances join only to share
         * out partition ownership; the owner of a partition publishes the follow-up events it decides.
         */
        @WithDefault("ledger-replay-owners")
        String ownerGroup();

        /**
         * {@code LEDGER_REPLAY_FOLLOW_UP_RETRY}: how long a published follow-up may stay unseen on the
         * topic before its owner publishes it again (duplicates are applied once).
         */
        @WithDefault("10s")
        Duration followUpRetry();

        /**
         * {@code LEDGER_REPLAY_APPLYING_THREADS}: threads that apply the replayed events, each to its
         * own partitions (those whose number modulo this is the thread's), beside the one thread that
         * fetches and decodes. More than the partitions are not used.
         */
        @WithDefault("1")
        int applyingThreads();
    }

    enum Auth {
        /** Every request is served without a token. */
        NONE,
        /** The API needs a bearer JWT whose groups claim holds a role allowed for the request. */
        JWT
    }

    enum Mode {
        /** Instances share a consumer group and keep state in PostgreSQL. */
        GROUP,
        /** Every instance replays the whole topic into its own memory. */
        REPLAY
    }
}
