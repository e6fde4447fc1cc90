package dev.ledger.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Scenario 5: from process start to the first 200 of {@code /q/health/ready} on an empty topic and, in
 * group mode, an empty database: the start-up gate the architecture names. Each mode is started
 * several times, each on a topic (and database) of its own, and the median is reported.
 */
final class Startup {

    private static final double TARGET_SECONDS = 2.0;

    private Startup() {
    }

    static List<Figure> run(Bench.Setup setup, int runs) {
        var figures = new ArrayList<Figure>();
        for (var mode : List.of("replay", "group")) {
            var seconds = new double[runs];
            for (int i = 0; i < runs; i++) {
                var topic = setup.topic("startup-" + mode + "-" + i);
                EventGenerator.createTopic(setup.bootstrap(), topic);
                var environment = new HashMap<>(ReplayRebuild.replay(topic));
                if (mode.equals("group")) {
                    environment.putAll(setup.databases().environment(setup.databases().create("bench_" + setup.run() + "_start" + i)));
                    environment.put("LEDGER_MODE", "group");
                    environment.put("LEDGER_DEAD_LETTER_TOPIC", topic + "-dlq");
                    environment.put("LEDGER_GROUP_CONSUMER_GROUP", "bench-" + setup.run() + "-start-" + i);
                }
                try (var service = Service.start(setup, "startup-" + mode + "-" + i, environment, setup.serviceJvm())) {
                    seconds[i] = service.awaitReady(Duration.ofMinutes(2));
                }
                Bench.log("Start-up, %s mode, run %d: ready after %.2f s", mode, i + 1, seconds[i]);
            }
            Arrays.sort(seconds);
            double median = seconds[runs / 2];
            figures.add(Figure.compared(Figure.format("Start-up, %s mode, empty topic%s: median of %d", mode,
                            mode.equals("group") ? " and database" : "", runs), Figure.seconds(median),
                    Figure.format("target %.1f s; fastest %.2f s, slowest %.2f s", TARGET_SECONDS, seconds[0], seconds[runs - 1]),
                    median / TARGET_SECONDS, Figure.format("<= %.1f s", TARGET_SECONDS), median <= TARGET_SECONDS));
        }
        return figures;
    }
}
