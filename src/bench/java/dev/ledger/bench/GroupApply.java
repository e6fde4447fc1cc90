package dev.ledger.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: how fast group-mode instances apply a pre-filled topic into a fresh PostgreSQL
 * database, against the naive design of one transaction per event. Progress is read where it is
 * decided: the per-partition offsets each applying transaction records in {@code partition_offsets}.
 */
final class GroupApply {

    /** Events applied per second between the first progress seen and the end of the measurement. */
    record Rate(long events, double seconds) {
        double perSecond() {
            return events / seconds;
        }
    }

    private GroupApply() {
    }

    static List<Figure> run(Bench.Setup setup, long events, long accounts, Duration naiveFor, List<Long> instanceCounts) {
        var topic = setup.topic("group");
        var written = EventGenerator.fill(setup.bootstrap(), topic, events, accounts);
        Bench.log("Generated %,d events over %,d accounts for group mode in %.1f s", written.events(), written.accounts(), written.seconds());

        // The naive design: the same service applying one event per transaction (a poll of one record),
        // with the same rules, schema, offsets and notifications. Measured for a while, not to the end.
        var naive = measure(setup, topic, written.endOffsets(), "naive", 1, List.of("-Dkafka.max.poll.records=1"), naiveFor);
        var baseline = Figure.format("naive design, 1 transaction/event: %s", Figure.rate(naive.perSecond()));
        var figures = new ArrayList<Figure>();
        figures.add(Figure.info(Figure.format("Group apply, naive baseline (%,d events in %.1f s)", naive.events(), naive.seconds()),
                Figure.rate(naive.perSecond()), "(the baseline)"));
        for (long instances : instanceCounts) {
            var rate = measure(setup, topic, written.endOffsets(), instances + "x", (int) instances, List.of(), null);
            boolean one = instances == 1;
            figures.add(Figure.compared(Figure.format("Group apply, %d instance%s (%,d events)", instances, one ? "" : "s", rate.events()),
                    Figure.rate(rate.perSecond()), baseline, rate.perSecond() / naive.perSecond(), one ? ">= 30,000/s and >= 10x" : "",
                    one ? rate.perSecond() >= 30_000 && rate.perSecond() >= 10 * naive.perSecond() : null));
        }
        return figures;
    }

    /**
     * Starts {@code instances} group-mode instances on a new database and measures until every event
     * up to {@code ends} is applied, or for {@code limit} after the first progress when one is given.
     */
    private static Rate measure(Bench.Setup setup, String topic, Map<Integer, Long> ends, String label, int instances,
                                List<String> jvmOptions, Duration limit) {
        var database = setup.databases().create("bench_" + setup.run() + "_" + label);
        var environment = new HashMap<>(setup.databases().environment(database));
        environment.put("LEDGER_MODE", "group");
        environment.put("LEDGER_TOPIC", topic);
        environment.put("LEDGER_DEAD_LETTER_TOPIC", topic + "-dlq-" + label);
        environment.put("LEDGER_GROUP_CONSUMER_GROUP", "bench-" + setup.run() + "-" + label);
        var jvm = new ArrayList<>(setup.serviceJvm());
        jvm.addAll(jvmOptions);
        var services = new ArrayList<Service>();
        try {
            for (int i = 0; i < instances; i++) {
                services.add(Service.start(setup, "group-" + label + "-" + i, environment, jvm));
            }
            long total = Offsets.total(ends);
            long firstNanos = 0;
            long firstApplied = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (System.nanoTime() < deadline) {
                long applied = applied(setup, database, topic, ends);
                long now = System.nanoTime();
                if (firstNanos == 0 && applied > 0) {
                    firstNanos = now;
                    firstApplied = applied;
                }
                if (firstNanos != 0 && (applied >= total || limit != null && now - firstNanos >= limit.toNanos())) {
                    var rate = new Rate(applied - firstApplied, (now - firstNanos) / 1e9);
                    Bench.log("Group mode, %s (%d instance(s)): %,d events in %.2f s, %,.0f events/s", label, instances,
                            rate.events(), rate.seconds(), rate.perSecond());
                    return rate;
                }
                Service.sleep(100);
            }
            throw new IllegalStateException("Group mode (" + label + ") did not apply the topic within 30 minutes");
        } finally {
            services.forEach(Service::close);
        }
    }

    /** Events up to {@code ends} that the committed transactions have applied, from the offsets they recorded. */
    private static long applied(Bench.Setup setup, String database, String topic, Map<Integer, Long> ends) {
        try (var connection = setup.databases().connect(database);
                var query = connection.prepareStatement("select partition, next_offset from partition_offsets where topic = ?")) {
            query.setString(1, topic);
            long applied = 0;
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    applied += Math.min(rows.getLong(2), ends.getOrDefault(rows.getInt(1), 0L));
                }
            }
            return applied;
        } catch (SQLException e) {
            return 0; // the instance has not created the schema yet
        }
    }
}
