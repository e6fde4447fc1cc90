package dev.ledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 0: from process start to the first 200 of {@code /q/health/ready} on an empty topic and, in
 * group mode, an empty database: the start-up gate the architecture names. Each mode is started
 * several times, each on a topic (and database) of its own, and the median is reported. On JDK 25
 * and later, again with an AOT cache (JEP 483/515) made by one training start in group mode, as a
 * container image built with it would start: from the aot-jar packaging, since the JVM loads and links
 * cached classes ahead of time only for its own class loaders, and the fast-jar has a loader of its own.
 */
final class Startup {

    private static final double TARGET_SECONDS = 2.0;

    private Startup() {
    }

    /** @param aotJar the aot-jar packaging of the service, for the AOT cache variant */
    static List<Figure> run(Bench.Setup setup, int runs, Path aotJar) {
        var figures = new ArrayList<Figure>();
        for (var mode : List.of("replay", "group")) {
            figures.add(measure(setup, mode, runs, setup.serviceJvm(), ""));
        }
        if (Runtime.version().feature() >= 25) {
            var aot = imageLike(setup, aotJar);
            for (var mode : List.of("replay", "group")) {
                figures.add(measure(aot.setup(), mode, runs, aot.jvm(), aot.variant()));
            }
        }
        return figures;
    }

    /** How the service is started: from which packaging, with which JVM options, named how in a figure. */
    record Launch(Bench.Setup setup, List<String> jvm, String variant) {
    }

    /**
     * The service as its container image starts it: on JDK 25 and later, from the aot-jar with an AOT
     * cache (made once per bench run, by {@link #train}); before 25, from the fast-jar as given.
     */
    static Launch imageLike(Bench.Setup setup, Path aotJar) {
        if (Runtime.version().feature() < 25) {
            return new Launch(setup, setup.serviceJvm(), "");
        }
        if (!Files.isRegularFile(aotJar)) {
            throw new IllegalStateException(aotJar + " is missing: ./mvnw -Pbench verify packages it (execution bench-aot-jar)");
        }
        var aot = setup.withJar(aotJar);
        var jvm = new ArrayList<>(setup.serviceJvm());
        jvm.add("-XX:AOTCache=" + cache(aot));
        return new Launch(aot, List.copyOf(jvm), ", AOT cache");
    }

    private static String cache;

    private static synchronized String cache(Bench.Setup aot) {
        if (cache == null) {
            cache = train(aot);
        }
        return cache;
    }

    private static Figure measure(Bench.Setup setup, String mode, int runs, List<String> jvm, String variant) {
        var seconds = new double[runs];
        var cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            var label = (mode + variant.replaceAll("[^A-Za-z]", "-") + "-" + i).toLowerCase(java.util.Locale.ROOT);
            try (var service = Service.start(setup, "startup-" + label, environment(setup, mode, label), jvm)) {
                seconds[i] = service.awaitReady(Duration.ofMinutes(2));
                cpu[i] = service.cpuSeconds();
            }
            Bench.log("Start-up, %s mode%s, run %d: ready after %.2f s, %.2f CPU s", mode, variant, i + 1, seconds[i], cpu[i]);
        }
        Arrays.sort(seconds);
        Arrays.sort(cpu);
        double median = seconds[runs / 2];
        // The CPU time to ready: what a loaded machine changes least, where the wall time may double.
        return Figure.compared(Figure.format("Start-up, %s mode%s, empty topic%s: median of %d", mode, variant,
                        mode.equals("group") ? " and database" : "", runs), Figure.seconds(median),
                Figure.format("target %.1f s; Java %s; fastest %.2f s, slowest %.2f s; CPU to ready %.2f s (median)",
                        TARGET_SECONDS, Runtime.version().feature(), seconds[0], seconds[runs - 1], cpu[runs / 2]),
                median / TARGET_SECONDS, Figure.format("<= %.1f s", TARGET_SECONDS), median <= TARGET_SECONDS);
    }

    /** A new topic, and in group mode a new database, for one start. */
    private static Map<String, String> environment(Bench.Setup setup, String mode, String label) {
        var topic = setup.topic("startup-" + label);
        EventGenerator.createTopic(setup.bootstrap(), topic);
        var environment = new HashMap<>(ReplayRebuild.replay(topic));
        if (mode.equals("group")) {
            environment.putAll(setup.databases().environment(setup.databases().create("bench_" + setup.run() + "_s_"
                    + label.replace('-', '_'))));
            environment.put("LEDGER_MODE", "group");
            environment.put("LEDGER_DEAD_LETTER_TOPIC", topic + "-dlq");
            environment.put("LEDGER_GROUP_CONSUMER_GROUP", "bench-" + setup.run() + "-start-" + label);
        }
        return environment;
    }

    /**
     * One group-mode start that opens accounts, moves money and reads it back, then stops: the JVM
     * writes the classes it loaded and the code it compiled to the cache on exit.
     */
    private static String train(Bench.Setup setup) {
        var cache = setup.work().resolve("app-" + setup.run() + ".aot").toAbsolutePath();
        var jvm = new ArrayList<>(setup.serviceJvm());
        jvm.add("-XX:AOTCacheOutput=" + cache);
        try (var service = Service.start(setup, "startup-training", environment(setup, "group", "training"), jvm)) {
            service.awaitReady(Duration.ofMinutes(2));
            service.post("/accounts", "{\"accountId\":\"training-a\",\"owner\":\"A\",\"currency\":\"EUR\"}");
            service.post("/accounts", "{\"accountId\":\"training-b\",\"owner\":\"B\",\"currency\":\"EUR\"}");
            service.post("/accounts/training-a/deposits", "{\"amount\":100}");
            service.post("/transfers", "{\"from\":\"training-a\",\"to\":\"training-b\",\"amount\":40}");
            service.get("/accounts/training-b");
            service.get("/admin/digest");
        }
        // The JVM records at exit, then a child JVM writes the cache from that record and removes it.
        var record = cache.resolveSibling(cache.getFileName() + ".config");
        for (int attempt = 0; attempt < 1200 && (!Files.isRegularFile(cache) || Files.exists(record)); attempt++) {
            Service.sleep(100);
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("The training start wrote no AOT cache at " + cache);
        }
        Bench.log("AOT cache written by a group-mode training start: %s", cache);
        return cache.toString();
    }
}
