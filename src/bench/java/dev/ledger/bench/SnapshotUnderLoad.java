package dev.ledger.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Scenario 2b: a replay instance writes a snapshot of {@code accounts} accounts while it applies
 * events as fast as it can, and the rate at which it applies during the write is compared with its
 * rate before and after, in the same run. From the instance's start (so that the backlog is built
 * while it replays the openings), a sender keeps a backlog of requests ahead of it on the topic (encoded in chunks, sent only while fewer
 * than {@link #LEAD} are waiting, so the sender works about as hard in every phase) until the
 * snapshot is written and as long again after it: however long the write takes, the instance
 * never waits for events. Its snapshot interval makes it cut a snapshot {@code load} requests
 * into the backlog. A phase in which the backlog ran out is reported as not at full rate.
 */
final class SnapshotUnderLoad {

    private static final Pattern APPLYING_THREAD = Pattern.compile("ledger-replay(-[0-9]+)?");
    private static final Pattern APPLIED = Pattern.compile("(?m)^ledger_events_applied_total\\{[^}]*} ([0-9.E+]+)$");
    /** Events the sender keeps waiting on the topic: seconds of applying, so that a sender's pause never starves it. */
    private static final long LEAD = 1_000_000;
    private static final int CHUNK = 100_000;
    /** The phase after the write lasts as long as the write, within these bounds. */
    private static final Duration AFTER_AT_LEAST = Duration.ofSeconds(5);
    private static final Duration AFTER_AT_MOST = Duration.ofSeconds(60);

    private SnapshotUnderLoad() {
    }

    /**
     * When the instance had applied how many events, how many the sender had on the topic by then,
     * and the CPU seconds its applying threads, its snapshot thread and the whole process had taken.
     */
    private record Sample(long nanos, double applied, long sent, double applyingCpu, double writerCpu, double processCpu) {
    }

    static List<Figure> run(Bench.Setup setup, long accounts, long load) {
        var topic = setup.topic("snapshot-load");
        var generator = new EventGenerator(42, EventGenerator.Mix.SETTLED);
        EventGenerator.createTopic(setup.bootstrap(), topic);
        var opened = generator.write(setup.bootstrap(), topic, accounts, accounts);
        Bench.log("Opened %,d accounts in %.1f s", opened.accounts(), opened.seconds());
        var environment = new java.util.HashMap<>(ReplayRebuild.replay(topic));
        environment.put("LEDGER_SNAPSHOT_INTERVAL", Long.toString(opened.events() + load));
        try (var service = Service.start(setup, "snapshot-load", environment, setup.serviceJvm())) {
            var applied = new AtomicLong(opened.events());
            var sent = new AtomicLong(opened.events());
            var stop = new AtomicBoolean();
            var failed = new AtomicReference<RuntimeException>();
            long[] leadBuilt = {Long.MAX_VALUE};
            var sender = new Thread(() -> {
                try (var producer = EventGenerator.producer(setup.bootstrap())) {
                    while (!stop.get()) {
                        if (sent.get() - applied.get() >= LEAD) {
                            Service.sleep(20);
                            continue;
                        }
                        var chunk = generator.encodeRequests(topic, CHUNK, accounts);
                        chunk.forEach(producer::send);
                        // Counted once on the topic, so that the backlog is never overstated.
                        producer.flush();
                        if (sent.addAndGet(chunk.size()) - applied.get() >= LEAD && leadBuilt[0] == Long.MAX_VALUE) {
                            leadBuilt[0] = System.nanoTime();
                        }
                    }
                } catch (RuntimeException e) {
                    failed.set(e);
                }
            }, "bench-backlog");
            // Started with the instance, so that the backlog is built while it replays the openings: a sender that
            // starts at ready is barely faster than applying on 2 cores, and had not built it by the cut.
            sender.start();
            try {
                service.awaitReady(Duration.ofMinutes(10));
            } catch (RuntimeException e) {
                stop.set(true);
                join(sender);
                throw e;
            }
            var samples = new ArrayList<Sample>();
            long began = System.nanoTime();
            long written = -1;
            String snapshot = "";
            long deadline = began + Duration.ofMinutes(20).toNanos();
            while (System.nanoTime() < deadline && failed.get() == null) {
                long now = System.nanoTime();
                applied.set((long) applied(service.get("/q/metrics")));
                samples.add(new Sample(now, applied.get(), sent.get(), threadCpu(service, APPLYING_THREAD.asMatchPredicate()),
                        threadCpu(service, "ledger-snapshot"::equals), service.cpuSeconds()));
                if (written < 0) {
                    snapshot = service.get("/admin/snapshot");
                    if (snapshot.contains("\"source\":\"written\"")) {
                        written = now;
                    }
                } else if (now - written >= afterPhase(written - cut(snapshot))) {
                    break;
                }
                Service.sleep(100);
            }
            stop.set(true);
            join(sender);
            if (failed.get() != null) {
                throw new IllegalStateException("The sender failed", failed.get());
            }
            if (written < 0) {
                throw new IllegalStateException("No snapshot written within 20 minutes: " + snapshot);
            }
            long cut = cut(snapshot);
            // Before the cut, once the backlog was first built: from then on the sender works at the applying rate.
            long quiet = Math.min(Math.max(began, leadBuilt[0]), cut);
            long done = samples.get(samples.size() - 1).nanos();
            double before = quiet < cut ? rate(samples, quiet, cut) : Double.NaN;
            double during = rate(samples, cut, written);
            double after = rate(samples, written, done);
            double outside = (applied(samples, quiet, cut) + applied(samples, written, done)) / ((cut - quiet + done - written) / 1e9);
            double slowdown = 1 - during / outside;
            long leastBacklog = samples.stream().filter(sample -> sample.nanos() >= quiet)
                    .mapToLong(sample -> sample.sent() - (long) sample.applied()).min().orElse(0);
            boolean fullRate = leastBacklog > 0 && quiet < cut;
            long bytes = ReplayRebuild.number(snapshot, "bytes");
            long snapshotAccounts = ReplayRebuild.number(snapshot, "accounts");
            long events = samples.get(samples.size() - 1).sent() - opened.events();
            // CPU per event: unlike the rates, hardly moved by what else runs on a shared machine. The same per event
            // during the write as outside it means the applying threads pay nothing for the write, and what slows them
            // is only the CPU the write takes from the machine.
            double outsideEvents = applied(samples, quiet, cut) + applied(samples, written, done);
            double duringEvents = applied(samples, cut, written);
            double applyingOutside = (delta(samples, quiet, cut, Sample::applyingCpu) + delta(samples, written, done, Sample::applyingCpu))
                    / outsideEvents * 1e6;
            double applyingDuring = delta(samples, cut, written, Sample::applyingCpu) / duringEvents * 1e6;
            double processOutside = (delta(samples, quiet, cut, Sample::processCpu) + delta(samples, written, done, Sample::processCpu))
                    / outsideEvents * 1e6;
            double processDuring = delta(samples, cut, written, Sample::processCpu) / duringEvents * 1e6;
            double writerCpu = delta(samples, cut, written, Sample::writerCpu);
            Bench.log("Snapshot under load: backlog built %.1f s after ready, cut %.1f s after ready, written %.1f s later, measured until"
                            + " %.1f s after ready; events/s before %,.0f, during %,.0f, after %,.0f; least backlog %,d events; %s",
                    (quiet - began) / 1e9, (cut - began) / 1e9, (written - cut) / 1e9, (done - began) / 1e9, before, during, after,
                    leastBacklog, snapshot);
            Bench.log("Snapshot under load, CPU per event applied: applying threads %.2f µs outside the write, %.2f during it; whole"
                    + " instance %.2f and %.2f; the snapshot thread %.1f CPU s", applyingOutside, applyingDuring, processOutside,
                    processDuring, writerCpu);
            var figures = new ArrayList<Figure>();
            figures.add(Figure.info(Figure.format("Snapshot of %,d accounts written while applying %,d events", snapshotAccounts, events),
                    Figure.format("%s (%,d bytes, %.0f bytes/account)", Figure.seconds((written - cut) / 1e9), bytes,
                            (double) bytes / snapshotAccounts), ""));
            figures.add(Figure.compared("Snapshot under load: applying events/s during the write",
                    Figure.format("%s (slower by %.0f %%)%s", Figure.rate(during), slowdown * 100,
                            fullRate ? "" : ", NOT at full rate: the backlog ran out or was never built"),
                    Figure.format("before %s, after %s, same instance", Figure.rate(before), Figure.rate(after)), during / outside,
                    "slower by < 20 %", fullRate && slowdown < 0.2));
            figures.add(Figure.info("Snapshot under load: CPU per event applied, outside the write / during it",
                    Figure.format("applying threads %.2f / %.2f µs, whole instance %.2f / %.2f µs; the snapshot thread %.1f CPU s",
                            applyingOutside, applyingDuring, processOutside, processDuring, writerCpu), ""));
            return figures;
        }
    }

    /** The cut's time, on this machine's clock, in this JVM's nanoseconds. */
    private static long cut(String snapshot) {
        return System.nanoTime() + Duration.between(Instant.now(), Instant.parse(ReplayRebuild.text(snapshot, "takenAt"))).toNanos();
    }

    private static long afterPhase(long writeNanos) {
        return Math.min(Math.max(writeNanos, AFTER_AT_LEAST.toNanos()), AFTER_AT_MOST.toNanos());
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
        return delta(samples, from, to, Sample::applied);
    }

    private static double delta(List<Sample> samples, long from, long to, ToDoubleFunction<Sample> value) {
        return at(samples, to, value) - at(samples, from, value);
    }

    /** CPU seconds so far of the instance's threads so named; zero where {@code /proc} does not say. */
    private static double threadCpu(Service service, Predicate<String> named) {
        double seconds = service.threadCpuSeconds(named);
        return Double.isNaN(seconds) ? 0 : seconds;
    }

    private static double rate(List<Sample> samples, long from, long to) {
        return applied(samples, from, to) / ((to - from) / 1e9);
    }

    /** The value at {@code nanos}, interpolated between the samples around it. */
    private static double at(List<Sample> samples, long nanos, ToDoubleFunction<Sample> value) {
        var previous = samples.get(0);
        for (var sample : samples) {
            if (sample.nanos() >= nanos) {
                if (sample.nanos() == previous.nanos()) {
                    return value.applyAsDouble(sample);
                }
                double share = (double) (nanos - previous.nanos()) / (sample.nanos() - previous.nanos());
                return value.applyAsDouble(previous) + share * (value.applyAsDouble(sample) - value.applyAsDouble(previous));
            }
            previous = sample;
        }
        return value.applyAsDouble(previous);
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
