package dev.ledger.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 2: how long a fresh replay-mode instance takes from process start to ready on a topic of N
 * events, against the rate at which a plain Kafka consumer reads the same topic.
 */
final class ReplayRebuild {

    /** What the replay consumer logs before it restores a snapshot or reads the topic, and once it has caught up. */
    private static final String READING = "Replaying ";
    private static final String CAUGHT_UP = "Replay caught up";

    private ReplayRebuild() {
    }

    /** From process start to ready, in seconds, and the CPU seconds used by then. */
    record Start(double seconds, double cpuSeconds) {
    }

    /** Process start to ready on an empty topic: what an instance needs whatever the topic. */
    static Start startOnEmptyTopic(Bench.Setup setup) {
        var topic = setup.topic("empty");
        EventGenerator.createTopic(setup.bootstrap(), topic);
        try (var service = Service.start(setup, "replay-empty", replay(topic), setup.serviceJvm())) {
            return new Start(service.awaitReady(Duration.ofMinutes(2)), service.cpuSeconds());
        }
    }

    static List<Figure> run(Bench.Setup setup, List<Long> sizes, long accounts, Start empty) {
        double emptyStartup = empty.seconds();
        var figures = new ArrayList<Figure>();
        figures.add(Figure.info("Replay: start to ready, empty topic", Figure.seconds(emptyStartup), "JVM and framework start"));
        for (long size : sizes) {
            var topic = setup.topic("replay-" + size);
            var written = EventGenerator.fill(setup.bootstrap(), topic, size, accounts);
            Bench.log("Generated %,d events over %,d accounts in %.1f s", written.events(), written.accounts(), written.seconds());
            figures.add(Figure.info(Figure.format("Generator: %,d events, %,d accounts", written.events(), written.accounts()),
                    Figure.rate(written.perSecond()), "(as fast as the producer allows)"));

            var consumerPerformance = RawConsumer.read(setup, topic, written.events());
            Bench.log("ConsumerPerformance: %,.0f msg/s (fetching alone %,.0f msg/s)", consumerPerformance.perSecond(),
                    consumerPerformance.fetchPerSecond());
            double ready;
            double cpu;
            double rebuildLogged;
            Restore restore;
            try (var service = Service.start(setup, "replay-" + size, replay(topic, size), setup.serviceJvm())) {
                ready = service.awaitReady(Duration.ofMinutes(30));
                cpu = service.cpuSeconds();
                rebuildLogged = service.loggedSeconds(READING, CAUGHT_UP);
                restore = restore(setup, topic, size, service);
            }
            double rate = written.events() / ready;
            double rebuildOnly = written.events() / (ready - emptyStartup);
            Bench.log("Replay of %,d events: ready after %.2f s", written.events(), ready);
            // The limit is the rate of fetching alone: the stricter of the two, as it leaves out the group join.
            var limit = Figure.format("ConsumerPerformance fetch %s (whole run %s)", Figure.rate(consumerPerformance.fetchPerSecond()),
                    Figure.rate(consumerPerformance.perSecond()));
            double raw = consumerPerformance.fetchPerSecond();
            figures.add(Figure.info(Figure.format("Replay %,d: start to ready", written.events()), Figure.seconds(ready), ""));
            figures.add(Figure.compared(Figure.format("Replay %,d: events/s, start to ready", written.events()),
                    Figure.rate(rate), limit, rate / raw, "", null));
            figures.add(Figure.compared(Figure.format("Replay %,d: events/s, empty-topic start subtracted", written.events()),
                    Figure.rate(rebuildOnly), limit, rebuildOnly / raw, ">= 0.5", rebuildOnly / raw >= 0.5));
            // CPU time, unlike wall time, hardly depends on what else the machine runs.
            figures.add(Figure.info(Figure.format("Replay %,d: CPU per event, empty-topic start's CPU subtracted", written.events()),
                    Figure.format("%.2f µs (%.1f CPU s to ready, %.1f on the empty topic)",
                            (cpu - empty.cpuSeconds()) * 1e6 / written.events(), cpu, empty.cpuSeconds()), ""));
            double restoreRatio = (restore.ready() - emptyStartup) / (ready - emptyStartup);
            figures.add(Figure.compared(Figure.format("Replay %,d: restored from the snapshot, start to ready", written.events()),
                    Figure.format("%s (snapshot %,d bytes, %.0f bytes/account; digest %s)", Figure.seconds(restore.ready()),
                            restore.bytes(), (double) restore.bytes() / restore.accounts(), restore.sameDigest() ? "equal" : "DIFFERENT"),
                    Figure.format("full rebuild %s; both less the empty-topic start", Figure.seconds(ready)), restoreRatio,
                    "<= 0.1, same digest", restoreRatio <= 0.1 && restore.sameDigest()));
            // The same two phases as each instance logs them: start-up left out exactly, where the
            // empty-topic start subtracted above varies from run to run as much as a phase does.
            figures.add(Figure.info(Figure.format("Replay %,d: rebuild and restore as each instance logs them", written.events()),
                    Figure.format("rebuild %s, %s (%.2f of the fetch rate); restore %s (%.2f of the rebuild)",
                            Figure.seconds(rebuildLogged), Figure.rate(written.events() / rebuildLogged),
                            written.events() / rebuildLogged / raw, Figure.seconds(restore.logged()), restore.logged() / rebuildLogged),
                    Figure.format("'%s' to '%s'", READING, CAUGHT_UP)));
            figures.add(Figure.info(Figure.format("Replay %,d: heap after full GC, restored instance", written.events()),
                    Figure.format("%,d MB (%.0f bytes/event less than rebuilt)", restore.heapRestored() >> 20,
                            (double) (restore.heapRebuilt() - restore.heapRestored()) / written.events()),
                    Figure.format("rebuilt instance %,d MB, same state", restore.heapRebuilt() >> 20)));
        }
        return figures;
    }

    /** What a second instance did, restoring the snapshot the first wrote once caught up. */
    record Restore(double ready, double logged, long bytes, long accounts, boolean sameDigest, long heapRebuilt, long heapRestored) {
    }

    /**
     * Waits for {@code rebuilt} to write its snapshot (it does once caught up, the topic being more
     * than the interval), then starts a second instance on the topic and times it to ready; its digest
     * must equal the first's, at equal positions (nothing is written meanwhile).
     */
    private static Restore restore(Bench.Setup setup, String topic, long size, Service rebuilt) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        var written = rebuilt.get("/admin/snapshot");
        while (!written.contains("\"source\":\"written\"")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No snapshot written within 10 minutes of catching up on " + size + " events");
            }
            Service.sleep(200);
            written = rebuilt.get("/admin/snapshot");
        }
        try (var restoring = Service.start(setup, "replay-restore-" + size, replay(topic, size), setup.serviceJvm())) {
            double ready = restoring.awaitReady(Duration.ofMinutes(30));
            double logged = restoring.loggedSeconds(READING, CAUGHT_UP);
            var restored = restoring.get("/admin/snapshot");
            if (!restored.contains("\"source\":\"restored\"")) {
                throw new IllegalStateException("The second instance restored no snapshot: " + restored);
            }
            boolean sameDigest = digest(restoring.get("/admin/digest")).equals(digest(rebuilt.get("/admin/digest")));
            Bench.log("Restore of %,d events: ready after %.2f s; snapshot %s", size, ready, restored);
            // The same state both ways: what the heap holds differently is the restored command results' compact form.
            return new Restore(ready, logged, number(restored, "bytes"), number(restored, "accounts"), sameDigest, rebuilt.heapUsedAfterFullGc(),
                    restoring.heapUsedAfterFullGc());
        }
    }

    private static String digest(String body) {
        return text(body, "digest");
    }

    /** A text field of a JSON body. */
    static String text(String body, String field) {
        int at = body.indexOf("\"" + field + "\":\"") + field.length() + 4;
        return body.substring(at, body.indexOf('"', at));
    }

    /** A whole-number field of a JSON body. */
    static long number(String body, String field) {
        var matcher = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + field + " in " + body);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** Replay mode on {@code topic}, with snapshots of its own topic. */
    static Map<String, String> replay(String topic) {
        return Map.of("LEDGER_MODE", "replay", "LEDGER_TOPIC", topic, "LEDGER_SNAPSHOT_TOPIC", topic + "-snapshots");
    }

    /** As {@link #replay}, with a snapshot written once caught up on a topic of {@code size} events, however small. */
    private static Map<String, String> replay(String topic, long size) {
        var environment = new java.util.HashMap<>(replay(topic));
        environment.put("LEDGER_SNAPSHOT_INTERVAL", Long.toString(Math.min(1_000_000, size / 2)));
        return environment;
    }
}
