package dev.ledger.group;

import dev.ledger.config.LedgerConfig;
import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.LedgerQueries;
import dev.ledger.pipeline.StalledPartitions;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;

/** Group mode: instances share a consumer group and apply each event once, into the PostgreSQL they share. */
@ApplicationScoped
@Typed(GroupMode.class)
public class GroupMode implements LedgerMode {

    /** How often an instance looks which partitions the others hold back. */
    private static final long STALLS_REFRESH_MS = 1_000;

    private final Instance<GroupConsumer> newConsumer;
    private final int consumerCount;
    /** Filled at start while the readiness check may already read it. */
    private final List<GroupConsumer> consumers = new CopyOnWriteArrayList<>();
    private final PgNotifications notifications;
    private final PgLedgerQueries queries;
    private final PgBatchStore store;
    private final StalledPartitions stalled;
    private final Vertx vertx;
    private final String topic;
    /** Where records that may not be applied are copied; the broker's retention defaults suit it. */
    private final NewTopic deadLetterTopic;
    private long stallsTimer = -1;

    GroupMode(Instance<GroupConsumer> newConsumer, PgNotifications notifications, PgLedgerQueries queries, PgBatchStore store,
              StalledPartitions stalled, Vertx vertx, LedgerConfig config) {
        this.newConsumer = newConsumer;
        this.consumerCount = config.group().consumers();
        this.notifications = notifications;
        this.queries = queries;
        this.store = store;
        this.stalled = stalled;
        this.vertx = vertx;
        this.topic = config.topic();
        this.deadLetterTopic = new NewTopic(config.deadLetterTopic(), Optional.of(config.topicPartitions()), Optional.empty());
    }

    @Override
    public void start(int partitions) {
        notifications.start();
        for (int i = 0; i < consumerCount; i++) {
            var consumer = newConsumer.get();
            consumers.add(consumer);
            consumer.start();
        }
        // A mutation for a partition another instance holds back would wait there: this one answers 503 too.
        // While the database is away the last answer stands; the consumer reports that outage itself.
        stallsTimer = vertx.setPeriodic(STALLS_REFRESH_MS, tick -> store.stalled(topic).subscribe().with(
                stalled::stalledElsewhere, failure -> { }));
    }

    @Override
    public void stop() {
        if (stallsTimer >= 0) {
            vertx.cancelTimer(stallsTimer);
        }
        try {
            for (var consumer : consumers) {
                consumer.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifications.stop();
    }

    /** PostgreSQL serves reads and is as current as the group: ready while this instance's consumers run. */
    @Override
    public Readiness readiness() {
        return new Readiness(!consumers.isEmpty() && consumers.stream().allMatch(GroupConsumer::running), Map.of());
    }

    /** This instance's consumers, once started. */
    List<GroupConsumer> consumers() {
        return List.copyOf(consumers);
    }

    @Override
    public LedgerQueries queries() {
        return queries;
    }

    @Override
    public List<NewTopic> ownTopics() {
        return List.of(deadLetterTopic);
    }

    @Override
    public boolean needsFullHistory() {
        return false;
    }
}
