package dev.ledger.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

/**
 * Scenario 5: the heap a replay-mode instance holds per account, after a full collection, less what
 * the same instance holds on an empty topic.
 */
final class HeapPerAccount {

    private HeapPerAccount() {
    }

    static List<Figure> run(Bench.Setup setup, long accounts) {
        var empty = setup.topic("memory-empty");
        EventGenerator.createTopic(setup.bootstrap(), empty);
        long baseline = heapAfterReplay(setup, empty, "memory-empty");
        var topic = setup.topic("memory");
        // Every account opened, and a deposit, withdrawal or transfer for one in five.
        var written = EventGenerator.fill(setup.bootstrap(), topic, accounts + accounts / 5, accounts);
        long full = heapAfterReplay(setup, topic, "memory");
        double perAccount = (double) (full - baseline) / written.accounts();
        Bench.log("Heap after full GC: %,d bytes empty, %,d bytes with %,d accounts (%,d events): %.0f bytes/account",
                baseline, full, written.accounts(), written.events(), perAccount);
        return List.of(Figure.compared(Figure.format("Replay heap per account (%,d accounts, %,d events)", written.accounts(),
                        written.events()), Figure.format("%.0f bytes", perAccount),
                Figure.format("250 bytes (target); empty-topic heap %,d MB", baseline / (1024 * 1024)), perAccount / 250,
                "<= 250 bytes", perAccount <= 250));
    }

    private static long heapAfterReplay(Bench.Setup setup, String topic, String name) {
        // No snapshot: one being written once caught up holds its own index of every account for a while,
        // and the full collection would count it or not depending on when it came.
        var environment = new HashMap<>(ReplayRebuild.replay(topic));
        environment.put("LEDGER_SNAPSHOT_INTERVAL", "0");
        try (var service = Service.start(setup, name, environment, setup.serviceJvm())) {
            service.awaitReady(Duration.ofMinutes(10));
            long used = service.heapUsedAfterFullGc();
            // What the heap is made of, to split the figure by part (BENCHMARKS.md).
            var histogram = setup.work().resolve("logs").resolve(name + "-histogram.txt");
            try {
                Files.writeString(histogram, service.classHistogram());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return used;
        }
    }
}
