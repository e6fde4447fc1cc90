package dev.ledger.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Scenario 2b: a replay instance writes a snapshot of {@code accounts} accounts while it applies
 * events as fast as it can, and the rate at which it applies during the write is compared with its
 * rate before and after, in the same run. Once the instance has replayed the openings, a burst of
 * requests encoded ahead is sent at once, faster than it applies them, so that it works through a
 * backlog all along; its snapshot interval makes it cut a snapshot two fifths of the way into the
 * burst. The rate outside the write counts only time after the burst was sent.
 */
final class SnapshotUnderLoad {

    private static final Pattern APPLIED = Pattern.compile("(?m)^ledger_events_applied_total\\{[^}]*} ([0-9.E+]+)$");

    private SnapshotUnderLoad() {
    }

    /** When the instance had applied how many events. */
    private record Sample(long nanos, double applied) {
    }

    static List<Figure> run(Bench.Setup setup, long accounts, long load) {
        var topic = setup.topic("snapshot-load");
        var generator = new EventGenerator(42, EventGenerator.Mix.SETTLED);
        EventGenerator.createTopic(setup.bootstrap(), topic);
        var opened = generator.write(setup.bootstrap(), topic, accounts, accounts);
        Bench.log("Opened %,d accounts in %.1f s", opened.accounts(), opened.seconds());
        var requests = generator.encodeRequests(topic, load, accounts);
        long total = opened.events() + requests.size();
        var environment = new java.util.HashMap<>(ReplayRebuild.replay(topic));
        // The cut two fifths into the burst: by then the producer is done (it sends faster than the instance
        // applies), and three fifths are left to apply during and after the write.
        environment.put("LEDGER_SNAPSHOT_INTERVAL", Long.toString(opened.events() + requests.size() * 2 / 5));
        try (var service = Service.start(setup, "snapshot-load", environment, setup.serviceJvm())) {
            service.awaitReady(Duration.ofMinutes(10));
            long[] sent = {Long.MAX_VALUE};
            var sender = new Thread(() -> {
                try (var producer = EventGenerator.producer(setup.bootstrap())) {
                    requests.forEach(producer::send);
                }
                sent[0] = System.nanoTime();
            }, "bench-burst");
            var samples = new ArrayList<Sample>();
            long began = System.nanoTime();
            sender.start();
            long written = -1;
            String snapshot = "";
            long deadline = began + Duration.ofMinutes(20).toNanos();
            double applied = 0;
            while (applied < total && System.nanoTime() < deadline) {
                applied = applied(service.get("/q/metrics"));
                samples.add(new Sample(System.nanoTime(), applied));
                if (written < 0) {
                    snapshot = service.get("/admin/snapshot");
                    if (snapshot.contains("\"source\":\"written\"")) {
                        written = System.nanoTime();
                    }
                }
                Service.sleep(100);
            }
            join(sender);
            if (written < 0) {
                throw new IllegalStateException("No snapshot written while the burst was applied (make bench.snapshot.load larger): "
                        + snapshot);
            }
            if (applied < total) {
                throw new IllegalStateException("The burst was not applied within 20 minutes");
            }
            // The cut's time, on this machine's clock, in this JVM's nanoseconds.
            long cut = System.nanoTime() + Duration.between(Instant.now(), Instant.parse(ReplayRebuild.text(snapshot, "takenAt"))).toNanos();
            // Before the cut, only once the producer no longer competes for the cores, if it was done by then.
            long quiet = Math.min(Math.max(began, sent[0]), cut);
            long done = samples.get(samples.size() - 1).nanos();
            double before = quiet < cut ? rate(samples, quiet, cut) : Double.NaN;
            double during = rate(samples, cut, written);
            double after = rate(samples, written, done);
            double outside = (applied(samples, quiet, cut) + applied(samples, written, done)) / ((cut - quiet + done - written) / 1e9);
            double slowdown = 1 - during / outside;
            long bytes = ReplayRebuild.number(snapshot, "bytes");
            long snapshotAccounts = ReplayRebuild.number(snapshot, "accounts");
            Bench.log("Snapshot under load: burst sent %.1f s after ready, cut %.1f s after ready, written %.1f s later, all applied %.1f s"
                            + " after ready; events/s before %,.0f, during %,.0f, after %,.0f; %s", (sent[0] - began) / 1e9, (cut - began) / 1e9,
                    (written - cut) / 1e9, (done - began) / 1e9, before, during, after, snapshot);
            var figures = new ArrayList<Figure>();
            figures.add(Figure.info(Figure.format("Snapshot of %,d accounts written while applying %,d events", snapshotAccounts,
                            requests.size()), Figure.format("%s (%,d bytes, %.0f bytes/account)", Figure.seconds((written - cut) / 1e9),
                            bytes, (double) bytes / snapshotAccounts), ""));
            figures.add(Figure.compared("Snapshot under load: applying events/s during the write",
                    Figure.format("%s (slower by %.0f %%)", Figure.rate(during), slowdown * 100),
                    Figure.format("before %s, after %s, same instance", Figure.rate(before), Figure.rate(after)), during / outside,
                    "slower by < 20 %", slowdown < 0.2));
            return figures;
        }
    }

    private static double applied(String metrics) {
        double sum = 0;
        var matcher = APPLIED.matcher(metrics);
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    /** Events applied from {@code from} to {@code to}, read off the samples nearest each. */
    private static double applied(List<Sample> samples, long from, long to) {
        return at(samples, to) - at(samples, from);
    }

    private static double rate(List<Sample> samples, long from, long to) {
        return applied(samples, from, to) / ((to - from) / 1e9);
    }

    /** The count at {@code nanos}, interpolated between the samples around it. */
    private static double at(List<Sample> samples, long nanos) {
        var previous = samples.get(0);
        for (var sample : samples) {
            if (sample.nanos() >= nanos) {
                if (sample.nanos() == previous.nanos()) {
                    return sample.applied();
                }
                double share = (double) (nanos - previous.nanos()) / (sample.nanos() - previous.nanos());
                return previous.applied() + share * (sample.applied() - previous.applied());
            }
            previous = sample;
        }
        return previous.applied();
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
