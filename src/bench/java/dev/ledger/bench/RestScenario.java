package dev.ledger.bench;

import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 4: mutation latency at fixed request rates on one instance, in each mode, next to the same
 * load on a trivial endpoint of the same service (GET /q/health/live: the HTTP stack, routing and a
 * JSON answer, no Kafka, no state) as the framework's own ceiling on this machine. Then a sweep: the
 * highest offered rate at which the mutations' p99 stays under 50 ms, next to the same for the
 * trivial endpoint.
 */
final class RestScenario {

    /**
     * Warming up ends once the instance's JIT compilers used less than this share of a core over
     * a slice. After a fixed 10 s at 200/s they still used 41 % of a core, and 38 % of the
     * instance's CPU per mutation at 200/s (BENCHMARKS.md): the figures were those of a JVM compiling.
     */
    private static final double SETTLED_COMPILER_SHARE = 0.05;
    private static final Duration WARM_UP_SLICE = Duration.ofSeconds(5);
    private static final Duration SHORTEST_WARM_UP = Duration.ofSeconds(10);
    private static final Duration LONGEST_WARM_UP = Duration.ofMinutes(3);
    private static final RestLoad.Call TRIVIAL = new RestLoad.Call("health", HttpMethod.GET, "/q/health/live", null);
    private static final double SWEEP_P99_MILLIS = 50;

    /** The p99 targets by offered rate. */
    private static final Map<Integer, Double> P99_TARGETS = Map.of(200, 15.0, 1000, 25.0);

    private RestScenario() {
    }

    /**
     * @param rates the rates measured for {@code duration} each, with their percentiles in the table
     * @param sweep the rates tried, in increasing order, for {@code sweepDuration} each, until p99 passes 50 ms
     * @param modes the modes measured, each on an instance of its own
     */
    static List<Figure> run(Bench.Setup setup, long accounts, List<Integer> rates, Duration duration, List<Integer> sweep,
                            Duration sweepDuration, List<String> modes) {
        var topic = setup.topic("rest");
        // Accounts with money in them, so that withdrawals and transfers mostly succeed.
        EventGenerator.fill(setup.bootstrap(), topic, accounts * 3, accounts);
        var figures = new ArrayList<Figure>();
        for (var mode : modes) {
            var environment = new HashMap<String, String>(Map.of("LEDGER_MODE", mode, "LEDGER_TOPIC", topic));
            if (mode.equals("group")) {
                environment.putAll(setup.databases().environment(setup.databases().create("bench_" + setup.run() + "_rest")));
                environment.put("LEDGER_DEAD_LETTER_TOPIC", topic + "-dlq");
                environment.put("LEDGER_GROUP_CONSUMER_GROUP", "bench-" + setup.run() + "-rest");
            }
            try (var service = Service.start(setup, "rest-" + mode, environment, setup.serviceJvm());
                    var load = new RestLoad(service.base())) {
                service.awaitReady(Duration.ofMinutes(10));
                if (mode.equals("group")) {
                    awaitApplied(service);
                }
                long seed = 1;
                int highest = rates.stream().max(Integer::compare).orElseThrow();
                figures.add(warmUp(service, load, RestLoad.mutations(accounts, seed++), mode, highest));
                for (int rate : rates) {
                    var before = CpuTimes.of(service);
                    var mutations = load.run(RestLoad.mutations(accounts, seed++), rate, duration);
                    var after = CpuTimes.of(service);
                    var trivial = load.run(() -> TRIVIAL, rate, duration);
                    log(mode, rate, mutations, trivial);
                    var instance = after.instancePerMutation(before, mutations.sent());
                    var others = after.othersPerMutation(before, mutations.sent());
                    Bench.log("REST %s at %,d/s: CPU per mutation: %s; %s", mode, rate, instance, others);
                    var byOperation = mutations.byOperation();
                    Bench.log("REST %s at %,d/s: by operation: %s", mode, rate, byOperation);
                    figures.addAll(figures(mode, rate, mutations, trivial));
                    figures.add(Figure.info(Figure.format("REST %s, %,d/s offered: by operation", mode, rate), byOperation, ""));
                    figures.add(Figure.info(Figure.format("REST %s, %,d/s offered: CPU per mutation", mode, rate), instance, others));
                }
                if (!sweep.isEmpty()) {
                    int mutationsUnder = highestUnder(load, sweep, sweepDuration, () -> RestLoad.mutations(accounts, 99));
                    int trivialUnder = highestUnder(load, sweep, sweepDuration, () -> () -> TRIVIAL);
                    figures.add(Figure.compared(Figure.format("REST %s: highest rate tried with mutation p99 < 50 ms", mode),
                            Figure.format("%,d/s", mutationsUnder), Figure.format("GET /q/health/live %,d/s (rates tried: %s)", trivialUnder,
                                    sweep), trivialUnder == 0 ? 0 : (double) mutationsUnder / trivialUnder, "", null));
                }
            }
        }
        return figures;
    }

    /**
     * Mutations at {@code rate} in slices until the instance's JIT compilers have settled (or
     * for the longest warm-up where {@code /proc} does not say), the figures measured after it being
     * those of the service rather than of its compilation.
     */
    private static Figure warmUp(Service service, RestLoad load, Supplier<RestLoad.Call> mutations, String mode, int rate) {
        long start = System.nanoTime();
        double share;
        long elapsed;
        do {
            var before = CpuTimes.of(service);
            long sliceStart = System.nanoTime();
            load.run(mutations, rate, WARM_UP_SLICE);
            share = CpuTimes.of(service).compilerShare(before, Duration.ofNanos(System.nanoTime() - sliceStart));
            elapsed = System.nanoTime() - start;
        } while (elapsed < LONGEST_WARM_UP.toNanos() && (elapsed < SHORTEST_WARM_UP.toNanos() || !(share < SETTLED_COMPILER_SHARE)));
        double seconds = elapsed / 1e9;
        Bench.log("REST %s: warmed up for %.0f s at %,d/s; its JIT compilers used %.0f %% of a core in the last %d s", mode, seconds, rate,
                share * 100, WARM_UP_SLICE.toSeconds());
        return Figure.info(Figure.format("REST %s: warm-up before measuring", mode),
                Figure.format("%.0f s of mutations at %,d/s; JIT compilers at the end %.0f %% of a core", seconds, rate, share * 100),
                Figure.format("until under %.0f %% for %d s (%d to %d s)", SETTLED_COMPILER_SHARE * 100, WARM_UP_SLICE.toSeconds(),
                        SHORTEST_WARM_UP.toSeconds(), LONGEST_WARM_UP.toSeconds()));
    }

    /** The highest of {@code rates} at which p99 stayed under 50 ms with every request answered; 0 if none. */
    private static int highestUnder(RestLoad load, List<Integer> rates, Duration duration,
                                    Supplier<Supplier<RestLoad.Call>> calls) {
        int highest = 0;
        for (int rate : rates) {
            var result = load.run(calls.get(), rate, duration);
            Bench.log("REST sweep at %,d/s: p99 %.2f ms, %d failed", rate, result.percentileMillis(99), result.failed());
            if (result.failed() > 0 || result.percentileMillis(99) >= SWEEP_P99_MILLIS) {
                break;
            }
            highest = rate;
        }
        return highest;
    }

    private static void log(String mode, int rate, RestLoad.Result mutations, RestLoad.Result trivial) {
        Bench.log("REST %s at %,d/s: mutations %,.0f/s answered, %d failed, p50 %.2f p99 %.2f p99.9 %.2f ms; trivial p50 %.2f p99 %.2f p99.9 %.2f ms",
                mode, rate, mutations.answeredPerSecond(), mutations.failed(), mutations.percentileMillis(50),
                mutations.percentileMillis(99), mutations.percentileMillis(99.9), trivial.percentileMillis(50),
                trivial.percentileMillis(99), trivial.percentileMillis(99.9));
    }

    private static List<Figure> figures(String mode, int rate, RestLoad.Result mutations, RestLoad.Result trivial) {
        var name = Figure.format("REST %s, %,d/s offered: ", mode, rate);
        var result = new ArrayList<Figure>();
        result.add(Figure.compared(name + "mutations/s answered", Figure.format("%,.0f/s (%d failed)", mutations.answeredPerSecond(),
                        mutations.failed()), Figure.format("GET /q/health/live %,.0f/s", trivial.answeredPerSecond()),
                mutations.answeredPerSecond() / trivial.answeredPerSecond(), "every request", mutations.failed() == 0));
        var target = P99_TARGETS.get(rate);
        for (double percentile : new double[] {50, 99, 99.9}) {
            double value = mutations.percentileMillis(percentile);
            double limit = trivial.percentileMillis(percentile);
            boolean targeted = percentile == 99 && target != null;
            result.add(Figure.compared(name + "mutation p" + Figure.format("%s", percentile == 99.9 ? "99.9" : (int) percentile),
                    Figure.millis(value), "GET /q/health/live " + Figure.millis(limit), value / limit,
                    targeted ? Figure.format("<= %.0f ms", target) : "", targeted ? value <= target : null));
        }
        return result;
    }

    /** A group-mode instance is ready before it has applied the pre-filled accounts: wait until its lag is 0. */
    private static void awaitApplied(Service service) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            var lags = service.get("/q/metrics").lines().filter(line -> line.startsWith("ledger_consumer_lag{")).toList();
            if (!lags.isEmpty() && lags.stream().allMatch(line -> line.endsWith(" 0.0"))) {
                return;
            }
            Service.sleep(500);
        }
        throw new IllegalStateException("The group-mode instance did not catch up within 10 minutes");
    }
}
