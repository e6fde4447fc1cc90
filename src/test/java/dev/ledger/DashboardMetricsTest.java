package dev.ledger;

import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.config.LedgerConfig;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metric the Grafana dashboard of the Helm chart queries is exposed at {@code /q/metrics}:
 * the names are read out of the panels' PromQL. A panel whose description says "Replay mode only."
 * or "Group mode only." queries metrics that only that mode exposes, and that the other must not.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class DashboardMetricsTest {

    static final Path DASHBOARD = Path.of("helm", "ledger", "dashboards", "ledger.json");

    /** Words of PromQL that are not metric names, where they can stand where a name could. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset", "inf", "nan");
    static final Pattern NAME = Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

    @Inject
    LedgerConfig config;

    /** A metric the dashboard queries, and the modes that expose it. */
    record Queried(String metric, Set<LedgerConfig.Mode> modes) {
        @Override
        public String toString() {
            return metric + " " + modes;
        }
    }

    static Stream<Queried> queriedMetrics() {
        var modesByMetric = new TreeMap<String, Set<LedgerConfig.Mode>>();
        for (JsonNode panel : dashboard().path("panels")) {
            var modes = modesOf(panel.path("description").asText());
            for (JsonNode target : panel.path("targets")) {
                metricNames(target.path("expr").asText()).forEach(metric -> modesByMetric.put(metric, modes));
            }
        }
        return modesByMetric.entrySet().stream().map(entry -> new Queried(entry.getKey(), entry.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queriedMetrics")
    void everyMetricTheDashboardQueriesIsExposedInItsModesOnly(Queried queried) {
        // Request metrics and lag appear with the first request and the first poll.
        openWith(10, "EUR");
        var exposed = exposedMetrics();
        if (queried.modes().contains(config.mode())) {
            assertThat(exposed).as("exposed in %s mode", config.mode()).contains(queried.metric());
        } else {
            assertThat(exposed).as("exposed in %s mode", config.mode()).doesNotContain(queried.metric());
        }
    }

    @Test
    void theDashboardQueriesTheMetricsOfEveryPanel() {
        assertThat(queriedMetrics().map(Queried::metric)).contains("ledger_events_applied_total", "ledger_consumer_lag",
                "ledger_replay_progress", "ledger_partition_stalled", "ledger_records_skipped_total",
                "http_server_requests_seconds_bucket", "ledger_snapshot_age_seconds");
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket"
                + "{namespace=\"$namespace\", method=\"POST\"}[$__rate_interval])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(metricNames("max by (pod) (ledger_consumer_lag) / on (pod) group_left ledger_replay_progress offset 5m"))
                .containsExactlyInAnyOrder("ledger_consumer_lag", "ledger_replay_progress");
    }

    /** The metric names of a PromQL expression: what is left once strings, label sets, ranges and grouping are gone. */
    static Set<String> metricNames(String promQl) {
        var bare = promQl.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        return NAME.matcher(bare).results().map(match -> match.group(1))
                .filter(name -> !KEYWORDS.contains(name.toLowerCase()))
                .collect(Collectors.toSet());
    }

    static Set<LedgerConfig.Mode> modesOf(String description) {
        if (description.contains("Replay mode only.")) {
            return Set.of(LedgerConfig.Mode.REPLAY);
        }
        if (description.contains("Group mode only.")) {
            return Set.of(LedgerConfig.Mode.GROUP);
        }
        return Set.of(LedgerConfig.Mode.values());
    }

    static Set<String> exposedMetrics() {
        return Arrays.stream(given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n"))
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
