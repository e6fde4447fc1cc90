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

    private ReplayRebuild() {
    }

    /** Seconds from process start to ready on an empty topic: what an instance needs whatever the topic. */
    static double startupOnEmptyTopic(Bench.Setup setup) {
        var topic = setup.topic("empty");
        EventGenerator.createTopic(setup.bootstrap(), topic);
        try (var service = Service.start(setup, "replay-empty", replay(topic), setup.serviceJvm())) {
            return service.awaitReady(Duration.ofMinutes(2));
        }
    }

    static List<Figure> run(Bench.Setup setup, List<Long> sizes, long accounts, double emptyStartup) {
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
            try (var service = Service.start(setup, "replay-" + size, replay(topic), setup.serviceJvm())) {
                ready = service.awaitReady(Duration.ofMinutes(30));
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
        }
        return figures;
    }

    static Map<String, String> replay(String topic) {
        return Map.of("LEDGER_MODE", "replay", "LEDGER_TOPIC", topic);
    }
}
