package dev.ledger.replay;

import static dev.ledger.TopicProbe.event;
import static dev.ledger.TopicProbe.positionsSum;
import static dev.ledger.LedgerClient.openWith;
import static dev.ledger.LedgerClient.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import dev.ledger.pipeline.EventCodec;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.Account;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.LedgerQueries;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import java.util.concurrent.ExecutionException;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A new replay instance rebuilds, from the topic alone, exactly the state of the running one. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
public class ReplayRebuildTest {

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
    LedgerQueries running;

    @Test
    public void aFreshInstanceReachesTheSameDigestAndIsReadyAndPublishesOnlyAfterCatchingUp() throws Exception {
        writeManyEvents(5_000);
        transfer(openWith(300, "EUR"), openWith(0, "EUR"), 120).statusCode(201);
        long records = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> positionsSum(running.digest().await().indefinitely()) == records);

        var rebuilt = new ReplayState(config);
        int owners = followUpOwners();
        var fresh = consumers.create(config, rebuilt);
        fresh.start(topic.ensure(true, mode.ownTopics()));
        try {
            assertThat(fresh.caughtUp()).as("ready before replaying anything").isFalse();
            // Read in this order, since positions advance within a batch and readiness just after it:
            // owners then readiness (owning starts once ready), readiness then positions (never behind once ready).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
                int ownersNow = followUpOwners();
                boolean ready = fresh.caughtUp();
                var state = rebuilt.digest().await().indefinitely();
                if (!ready) {
                    assertThat(ownersNow).as("owners of follow-ups while behind").isLessThanOrEqualTo(owners);
                    return false;
                }
                assertThat(positionsSum(state)).as("not ready while behind").isEqualTo(records);
                return true;
            });
            // Caught up, it takes its share of publishing follow-ups.
            await().atMost(Duration.ofSeconds(30)).until(() -> followUpOwners() == owners + 1);
            var expected = running.digest().await().indefinitely();
            var actual = rebuilt.digest().await().indefinitely();
            assertThat(positionsSum(actual)).isEqualTo(records);
            assertThat(actual.positions()).isEqualTo(expected.positions());
            assertThat(actual.digest()).isEqualTo(expected.digest());
            assertThat(actual.accounts()).isEqualTo(expected.accounts());
            assertThat(actual.totalBalance()).isEqualTo(expected.totalBalance());
        } finally {
            stop(fresh);
        }
    }

    @Test
    public void twoApplyingThreadsRebuildTheSameAccountsAndTransfersAsTheRunningInstance() throws Exception {
        writeManyEvents(2_000);
        var transfers = new ArrayList<String>();
        var accounts = new ArrayList<String>();
        for (int i = 0; i < 8; i++) {
            accounts.add(openWith(1_000, "EUR"));
        }
        // Senders and receivers on different partitions: each transfer is written by both applying threads.
        for (int i = 0; i < 40; i++) {
            transfers.add(transfer(accounts.get(i % 8), accounts.get((i * 3 + 1) % 8), 10 + i).statusCode(201)
                    .extract().path("transferId"));
        }
        long records = TopicProbe.recordCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> positionsSum(running.digest().await().indefinitely()) == records);

        var rebuilt = new ReplayState(config);
        var fresh = consumers.create(withApplyingThreads(2), rebuilt);
        fresh.start(topic.ensure(true, mode.ownTopics()));
        try {
            fresh.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(fresh.caughtUp()).isTrue();
            var expected = running.digest().await().indefinitely();
            var actual = rebuilt.digest().await().indefinitely();
            assertThat(actual.positions()).isEqualTo(expected.positions());
            assertThat(actual.digest()).isEqualTo(expected.digest());
            for (var transferId : transfers) {
                assertThat(rebuilt.findTransfer(transferId).await().indefinitely())
                        .isEqualTo(running.findTransfer(transferId).await().indefinitely());
            }
            // In id order, every account once: the order is kept apart from the accounts, by both threads.
            var all = rebuilt.listAccounts(null, Integer.MAX_VALUE).await().indefinitely().stream().map(Account::accountId).toList();
            assertThat(all).hasSize((int) actual.accounts()).isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
        } finally {
            stop(fresh);
        }
    }

    /** The service's configuration with {@code LEDGER_REPLAY_APPLYING_THREADS} set to {@code threads}. */
    private LedgerConfig withApplyingThreads(int threads) {
        var loader = LedgerConfig.class.getClassLoader();
        var replay = (LedgerConfig.Replay) Proxy.newProxyInstance(loader, new Class<?>[] {LedgerConfig.Replay.class},
                (proxy, method, args) -> method.getName().equals("applyingThreads") ? threads : method.invoke(config.replay(), args));
        return (LedgerConfig) Proxy.newProxyInstance(loader, new Class<?>[] {LedgerConfig.class},
                (proxy, method, args) -> method.getName().equals("replay") ? replay : method.invoke(config, args));
    }

    private int followUpOwners() throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.bootstrapServers()))) {
            var group = config.replay().ownerGroup();
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    private void writeManyEvents(int accounts) {
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        for (int i = 0; i < accounts; i++) {
            var id = "bulk-" + UUID.randomUUID();
            records.add(TopicProbe.record(id, codec.encode(event(id, new Payload.AccountOpenRequested("Bulk", "EUR")))));
            records.add(TopicProbe.record(id, codec.encode(event(id, new Payload.DepositRequested(i + 1, null)))));
        }
        TopicProbe.write(records);
    }

    private static void stop(ReplayConsumer consumer) {
        try {
            consumer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
