package dev.ledger.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3b: a fresh group-mode instance catching up on a backlog whose transfers still wait for
 * their follow-ups, with a replay instance on the same topic, as when a group instance joins a
 * running system. Settled once the group's database has applied the whole topic as it then stands,
 * no transfer is PENDING and the outbox is empty. The topic's growth is compared with the follow-ups
 * the rules decide for the backlog (counted by the generator): a credit per transfer debited, a
 * refund per credit refused; anything more is a follow-up written twice. The time counts from the
 * two processes' start, and they start as the container image starts them (on JDK 25, with the AOT
 * cache): a fresh instance's start-up is part of what joining costs.
 */
final class GroupCatchUp {

    private static final double TARGET_RATE = 20_000;
    private static final double GROWTH_LIMIT = 1.1;

    private GroupCatchUp() {
    }

    /** @param launch as the container image starts the service: both instances are fresh processes, and their start counts */
    static List<Figure> run(Startup.Launch launch, long events, long accounts) {
        var setup = launch.setup();
        var topic = setup.topic("catch-up");
        var written = EventGenerator.fill(setup.bootstrap(), topic, events, accounts, new EventGenerator.Mix(20, false));
        Bench.log("Generated %,d events (%,d transfers, no follow-ups) for the catch-up in %.1f s", written.events(),
                written.transfers(), written.seconds());
        var database = setup.databases().create("bench_" + setup.run() + "_catchup");
        var group = new HashMap<>(setup.databases().environment(database));
        var consumerGroup = "bench-" + setup.run() + "-catch-up";
        group.putAll(Map.of("LEDGER_MODE", "group", "LEDGER_TOPIC", topic, "LEDGER_DEAD_LETTER_TOPIC", topic + "-dlq",
                "LEDGER_GROUP_CONSUMER_GROUP", consumerGroup));
        // The replay instance looks the group up, to leave the follow-ups to its outbox.
        var replay = Map.of("LEDGER_MODE", "replay", "LEDGER_TOPIC", topic, "LEDGER_GROUP_CONSUMER_GROUP", consumerGroup,
                "LEDGER_REPLAY_OWNER_GROUP", "bench-" + setup.run() + "-owners");
        try (var replaying = Service.start(setup, "catch-up-replay", replay, launch.jvm());
                var applying = Service.start(setup, "catch-up-group", group, launch.jvm())) {
            long started = System.nanoTime();
            long deadline = started + Duration.ofMinutes(30).toNanos();
            while (System.nanoTime() < deadline) {
                var ends = Offsets.end(setup.bootstrap(), topic);
                if (settled(setup, database, topic, ends)) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    double rate = written.events() / seconds;
                    long grown = Offsets.total(ends) - written.events();
                    double growth = (double) grown / written.followUps();
                    Bench.log("Catch-up settled after %.2f s: %,.0f events/s; the topic grew by %,d records for %,d transfers, "
                            + "whose rules decide %,d follow-ups (%.3f x)", seconds, rate, grown, written.transfers(), written.followUps(), growth);
                    var name = Figure.format("Group catch-up, %,d events, %,d transfers, beside a replay instance%s", written.events(),
                            written.transfers(), launch.variant());
                    return List.of(
                            Figure.compared(name + ": settled", Figure.rate(rate), Figure.format("target %,.0f events/s; %.1f s from start",
                                    TARGET_RATE, seconds), rate / TARGET_RATE, Figure.format(">= %,.0f/s", TARGET_RATE), rate >= TARGET_RATE),
                            Figure.compared(name + ": topic growth per follow-up decided", Figure.format("%,d records, %.3f x", grown, growth),
                                    Figure.format("%,d follow-ups decided (%.2f per transfer: refunds of credits refused)",
                                            written.followUps(), (double) written.followUps() / written.transfers()),
                                    growth, Figure.format("<= %.1f x", GROWTH_LIMIT), growth <= GROWTH_LIMIT));
                }
                Service.sleep(200);
            }
            throw new IllegalStateException("The group instance did not settle the backlog within 30 minutes");
        }
    }

    /**
     * Every record up to {@code ends} applied, no transfer PENDING, nothing in the outbox. The
     * offsets first, from a six-row table: the other two read whole tables, and asked every 200 ms
     * all along they took 68 s of the database's time in a 190 s run (statement log, 2026-11-29),
     * time the instance being measured did not get.
     */
    private static boolean settled(Bench.Setup setup, String database, String topic, Map<Integer, Long> ends) {
        try (var connection = setup.databases().connect(database); var statement = connection.createStatement()) {
            try (var applied = statement.executeQuery("select coalesce(sum(next_offset), 0) from partition_offsets where topic = '"
                    + topic + "'")) {
                applied.next();
                if (applied.getLong(1) < Offsets.total(ends)) {
                    return false;
                }
            }
            try (var waiting = statement.executeQuery("select exists (select 1 from transfers where status = 'PENDING') "
                    + "or exists (select 1 from pending_follow_ups)")) {
                waiting.next();
                return !waiting.getBoolean(1);
            }
        } catch (SQLException e) {
            return false; // the instance has not created the schema yet
        }
    }
}
