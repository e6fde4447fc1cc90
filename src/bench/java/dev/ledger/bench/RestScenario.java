package dev.ledger.bench;

import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 4: mutation latency at a fixed request rate on one instance, in each mode, next to the same
 * load on a trivial endpoint of the same service (GET /q/health/live: the HTTP stack, routing and a
 * JSON answer, no Kafka, no state) as the framework's own ceiling on this machine.
 */
final class RestScenario {

    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final RestLoad.Call TRIVIAL = new RestLoad.Call(HttpMethod.GET, "/q/health/live", null);

    private RestScenario() {
    }

    static List<Figure> run(Bench.Setup setup, long accounts, int rate, Duration duration) {
        var topic = setup.topic("rest");
        // Accounts with money in them, so that withdrawals and transfers mostly succeed.
        EventGenerator.fill(setup.bootstrap(), topic, accounts * 3, accounts);
        var figures = new ArrayList<Figure>();
        for (var mode : List.of("replay", "group")) {
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
                load.run(RestLoad.mutations(accounts, 1), rate, WARM_UP);
                var mutations = load.run(RestLoad.mutations(accounts, 2), rate, duration);
                var trivial = load.run(() -> TRIVIAL, rate, duration);
                Bench.log("REST %s: mutations %,.0f/s answered, %d failed, p50 %.2f p99 %.2f p99.9 %.2f ms; trivial p50 %.2f p99 %.2f p99.9 %.2f ms",
                        mode, mutations.answeredPerSecond(), mutations.failed(), mutations.percentileMillis(50),
                        mutations.percentileMillis(99), mutations.percentileMillis(99.9), trivial.percentileMillis(50),
                        trivial.percentileMillis(99), trivial.percentileMillis(99.9));
                figures.addAll(figures(mode, rate, mutations, trivial));
            }
        }
        return figures;
    }

    private static List<Figure> figures(String mode, int rate, RestLoad.Result mutations, RestLoad.Result trivial) {
        var name = Figure.format("REST %s, %,d/s offered: ", mode, rate);
        var result = new ArrayList<Figure>();
        result.add(Figure.compared(name + "mutations/s answered", Figure.format("%,.0f/s (%d failed)", mutations.answeredPerSecond(),
                        mutations.failed()), Figure.format("GET /q/health/live %,.0f/s", trivial.answeredPerSecond()),
                mutations.answeredPerSecond() / trivial.answeredPerSecond(), "", null));
        for (double percentile : new double[] {50, 99, 99.9}) {
            double value = mutations.percentileMillis(percentile);
            double limit = trivial.percentileMillis(percentile);
            boolean targeted = percentile == 99;
            result.add(Figure.compared(name + "mutation p" + Figure.format("%s", percentile == 99.9 ? "99.9" : (int) percentile),
                    Figure.millis(value), "GET /q/health/live " + Figure.millis(limit), value / limit,
                    targeted ? "< 25 ms at 2,000/s" : "", targeted ? value < 25 && rate >= 2000 : null));
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
