package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.LedgerClient;
import dev.ledger.TopicProbe;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Account;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.StalledPartitions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A record that passes the rules but that the replay state cannot take (here a state that refuses
 * one account, as a bug or a full heap would) stalls its partition: its position stays at that
 * record, the partition's later records wait, and every other partition is applied to its end.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ReplayStallTest {

    @Inject
    ReplayConsumers consumers;
    @Inject
    EventTopic topic;
    @Inject
    ReplayMode mode;
    @Inject
    LedgerConfig config;
    @Inject
    EventCodec codec;
    @Inject
    StalledPartitions stalled;

    /** A state that cannot hold the accounts whose ids start with "unstorable". */
    static final class RefusingState extends ReplayState {
        RefusingState(LedgerConfig config) {
            super(config);
        }

        @Override
        public void putAccount(Account account) {
            if (account.accountId().startsWith("unstorable")) {
                throw new IllegalStateException("this state cannot hold " + account.accountId());
            }
            super.putAccount(account);
        }
    }

    @Test
    void aRecordTheStateCannotTakeHoldsBackItsPartitionWhileTheOthersReachTheirEnd() throws Exception {
        int partitions = topic.ensure(true, mode.ownTopics());
        var refused = LedgerClient.newId("unstorable");
        int stalledPartition = StalledPartitions.partitionOf(refused, partitions);
        var before = new ArrayList<String>();
        var after = new ArrayList<String>();
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        for (int i = 0; i < 60; i++) {
            var id = LedgerClient.newId("replayed");
            before.add(id);
            records.add(TopicProbe.record(id, codec.encode(open(id))));
        }
        records.add(TopicProbe.record(refused, codec.encode(open(refused))));
        for (int i = 0; i < 60; i++) {
            var id = LedgerClient.newId("replayed");
            after.add(id);
            records.add(TopicProbe.record(id, codec.encode(open(id))));
        }
        TopicProbe.write(records);

        var state = new RefusingState(config);
        var consumer = consumers.create(config, state);
        consumer.start(partitions);
        try {
            await().atMost(Duration.ofSeconds(60)).until(consumer::caughtUp);
            var held = stalled.offsets().get(stalledPartition);
            assertThat(held).as("the stalled partition's offset").isNotNull();
            var digest = state.digest().await().indefinitely();
            assertThat(digest.positions().get(stalledPartition)).as("the stalled partition's position").isEqualTo(held);
            assertThat(state.account(refused)).isEmpty();
            assertThat(before).allSatisfy(id -> assertThat(state.account(id)).isPresent());
            assertThat(after).allSatisfy(id -> assertThat(state.account(id).isPresent())
                    .as(id).isEqualTo(StalledPartitions.partitionOf(id, partitions) != stalledPartition));
            assertThat(after).anyMatch(id -> StalledPartitions.partitionOf(id, partitions) == stalledPartition);
        } finally {
            consumer.stop();
            stalled.release(stalledPartition);
        }
    }

    private static LedgerEvent open(String id) {
        return new LedgerEvent(UUID.randomUUID().toString(), id, UUID.randomUUID().toString(), Instant.now(), null, null,
                new Payload.AccountOpenRequested("Ada", "EUR"));
    }
}
