package dev.ledger.replay;

import dev.ledger.config.LedgerConfig;
import java.time.Duration;

/** The service's settings, but snapshots read from another topic and never written: for a consumer a test starts beside the service. */
record OtherSnapshots(LedgerConfig config, String snapshotTopic) implements LedgerConfig {

    @Override
    public long snapshotInterval() {
        return 0;
    }

    @Override
    public double snapshotCpuShare() {
        return config.snapshotCpuShare();
    }

    @Override
    public int snapshotFetchBytes() {
        return config.snapshotFetchBytes();
    }

    @Override
    public Mode mode() {
        return config.mode();
    }

    @Override
    public String topic() {
        return config.topic();
    }

    @Override
    public int topicPartitions() {
        return config.topicPartitions();
    }

    @Override
    public String deadLetterTopic() {
        return config.deadLetterTopic();
    }

    @Override
    public Duration commandTimeout() {
        return config.commandTimeout();
    }

    @Override
    public Auth auth() {
        return config.auth();
    }

    @Override
    public Duration idempotencyRetention() {
        return config.idempotencyRetention();
    }

    @Override
    public int producerBatchingRate() {
        return config.producerBatchingRate();
    }

    @Override
    public Replay replay() {
        return config.replay();
    }

    @Override
    public Group group() {
        return config.group();
    }
}
