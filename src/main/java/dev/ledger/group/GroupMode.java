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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;

/** Group mode: instances share a consumer group and apply each event once, into the PostgreSQL they share. */
@ApplicationScoped
@Typed(GroupMode.class)
public class GroupMode implements LedgerMode {

    private static final Logger LOG = Logger.getLogger(GroupMode.class);
    /** How often an instance looks which partitions the others hold back. */
    private static final long STALLS_REFRESH_MS = 1_000;
    /** How often an instance weighs its backlog against the consumers it runs. */
    private static final long SCALING_MS = 1_000;

    private final Instance<GroupConsumer> newConsumer;
    private final ConsumerScaling scaling;
    /** Starts and stops consumers off the event loops: a consumer stops once its batch is written. */
    private final ScheduledExecutorService scaler = Executors.newSingleThreadScheduledExecutor(task -> {
        var thread = new Thread(task, "ledger-group-scaling");
        thread.setDaemon(true);
        return thread;
    });
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
        this.scaling = new ConsumerScaling(config.group());
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
        for (int i = 0; i < scaling.initial(); i++) {
            startConsumer();
        }
        scaler.scheduleWithFixedDelay(this::scale, SCALING_MS, SCALING_MS, TimeUnit.MILLISECONDS);
        // A mutation for a partition another instance holds back would wait there: this one answers 503 too.
        // While the database is away the last answer stands; the consumer reports that outage itself.
        stallsTimer = vertx.setPeriodic(STALLS_REFRESH_MS, tick -> store.stalled(topic).subscribe().with(
                stalled::stalledElsewhere, failure -> { }));
    }

    private void startConsumer() {
        var consumer = newConsumer.get();
        consumers.add(consumer);
        consumer.start();
    }

    /** Runs as many consumers as {@link ConsumerScaling} asks for: a new one joins the group, the last one started leaves it. */
    private void scale() {
        long backlog = 0;
        for (var consumer : consumers) {
            long behind = consumer.backlog();
            if (behind == ConsumerScaling.UNSETTLED) {
                backlog = ConsumerScaling.UNSETTLED;
                break;
            }
            backlog += behind;
        }
        int running = consumers.size();
        int wanted = scaling.consumers(running, backlog, System.nanoTime());
        if (wanted == running) {
            return;
        }
        LOG.infof(wanted > running ? "%,d records behind: the consumers go from %d to %d"
                : "Caught up (%,d records behind): the consumers go from %d to %d", backlog, running, wanted);
        try {
            while (consumers.size() < wanted) {
                startConsumer();
            }
            while (consumers.size() > wanted) {
                var leaving = consumers.remove(consumers.size() - 1);
                leaving.stop();
                newConsumer.destroy(leaving);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("Cannot change the number of consumers: %s", e);
        }
    }

    @Override
    public void stop() {
        if (stallsTimer >= 0) {
            vertx.cancelTimer(stallsTimer);
        }
        scaler.shutdownNow();
        try {
            scaler.awaitTermination(15, TimeUnit.SECONDS);
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
