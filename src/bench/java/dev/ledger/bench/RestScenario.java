package dev.ledger.bench;

import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 4: mutation latency at fixed request rates on one instance, in each mode, next to the same
 * load on a trivial endpoint of the same service (GET /q/health/live: the HTTP stack, routing and a
 * JSON answer, no Kafka, no state) as the framework's own ceiling on this machine. Then a sweep: the
 * highest offered rate at which the mutations' p99 stays under 50 ms, next to the same for the
 * trivial endpoint.
 */
final class RestScenario {

    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final RestLoad.Call TRIVIAL = new RestLoad.Call(HttpMethod.GET, "/q/health/live", null);
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
                load.run(RestLoad.mutations(accounts, seed++), rates.get(0), WARM_UP);
                for (int rate : rates) {
                    var mutations = load.run(RestLoad.mutations(accounts, seed++), rate, duration);
                    var trivial = load.run(() -> TRIVIAL, rate, duration);
                    log(mode, rate, mutations, trivial);
                    figures.addAll(figures(mode, rate, mutations, trivial));
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

    /** The highest of {@code rates} at which p99 stayed under 50 ms with every request answered; 0 if none. */
    private static int highestUnder(RestLoad load, List<Integer> rates, Duration duration,
                                    java.util.function.Supplier<java.util.function.Supplier<RestLoad.Call>> calls) {
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
