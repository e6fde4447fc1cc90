package dev.ledger.group;

import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.LedgerQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Map;

/** Group mode: instances share a consumer group and apply each event once, into the PostgreSQL they share. */
@ApplicationScoped
@Typed(GroupMode.class)
public class GroupMode implements LedgerMode {

    private final GroupConsumer consumer;
    private final PgNotifications notifications;
    private final PgLedgerQueries queries;

    GroupMode(GroupConsumer consumer, PgNotifications notifications, PgLedgerQueries queries) {
        this.consumer = consumer;
        this.notifications = notifications;
        this.queries = queries;
    }

    @Override
    public void start(int partitions) {
        notifications.start();
        consumer.start();
    }

    @Override
    public void stop() {
        try {
            consumer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifications.stop();
    }

    /** PostgreSQL serves reads and is as current as the group: ready while this consumer runs. */
    @Override
    public Readiness readiness() {
        return new Readiness(consumer.running(), Map.of());
    }

    @Override
    public LedgerQueries queries() {
        return queries;
    }

    @Override
    public boolean needsFullHistory() {
        return false;
    }
}
