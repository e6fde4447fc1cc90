package dev.ledger.config;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Turns PostgreSQL on or off by {@code ledger.mode} ({@code LEDGER_MODE}) when the application starts.
 * The datasource and Flyway are built into the application in both modes, and each has an
 * {@code active} setting read at run time: replay mode turns both off, so it creates no
 * connection pool, migrates nothing and its datasource health checks check nothing. Group mode
 * migrates the schema at startup. Each mode also has its own default producer linger: see
 * {@link #LINGER}.
 */
public class ModeConfigSourceFactory implements ConfigSourceFactory {

    public static final String MODE = "ledger.mode";
    public static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    public static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    /**
     * Above every other source (system properties are 400): replay mode never opens a database
     * connection, whatever else is configured, such as a datasource URL left in the environment.
     */
    private static final int REPLAY_ORDINAL = 500;

    /** Below application.properties (250): a mode's defaults, which any user setting overrides. */
    private static final int DEFAULTS_ORDINAL = 200;

    /**
     * How long the producer of mutations and follow-ups waits to fill a batch under load; under light
     * load each event is sent at once ({@code dev.ledger.pipeline.LingerBypass}). Group mode waits
     * 5 ms: fewer, larger produce requests and fetches make fewer, larger applying transactions,
     * which took 40 % off the CPU of a mutation at 1,000/s in the bench's REST scenario (1.1 against
     * 1.8 ms in all), and its p99 there to 22 to 26 ms, against 36 to 114 with 0 to 2 ms. Replay mode
     * applies in memory with CPU to spare at that rate, where the same wait only added to every
     * mutation (p99 at 1,000/s 19.6 against 9.3 ms): 1 ms (BENCHMARKS.md, the results of stops 24
     * and 25).
     */
    public static final String LINGER = "mp.messaging.outgoing.ledger-events.linger.ms";

    private static final Map<String, String> REPLAY = Map.of(
            "quarkus.datasource.active", "false",
            "quarkus.flyway.active", "false",
            "quarkus.flyway.migrate-at-start", "false");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!isGroupMode(context)) {
            return List.of(new PropertiesConfigSource(REPLAY, "LedgerReplayMode", REPLAY_ORDINAL),
                    new PropertiesConfigSource(Map.of(LINGER, "1"), "LedgerReplayModeDefaults", DEFAULTS_ORDINAL));
        }
        // Explicit, not merely absent: the build records the values it saw (replay's, with no mode
        // set) as defaults of the packaged application, and only a higher source replaces them.
        Map<String, String> group = new HashMap<>(Map.of(
                "quarkus.datasource.active", "true",
                "quarkus.flyway.active", "true",
                "quarkus.flyway.migrate-at-start", "true",
                LINGER, "5"));
        // The documented settings name the reactive URL only; Flyway migrates over JDBC, at the same address.
        String reactiveUrl = valueOf(context, REACTIVE_URL);
        if (valueOf(context, JDBC_URL) == null && reactiveUrl != null) {
            group.put(JDBC_URL, jdbcUrlOf(reactiveUrl));
        }
        return List.of(new PropertiesConfigSource(group, "LedgerGroupMode", DEFAULTS_ORDINAL));
    }

    /** Only {@code group} selects group mode: a missing or mistyped mode must not reach for a database. */
    public static boolean isGroupMode(ConfigSourceContext context) {
        String mode = valueOf(context, MODE);
        return mode != null && mode.trim().equalsIgnoreCase("group");
    }

    /**
     * The JDBC URL of the first server of a reactive PostgreSQL URL,
     * {@code [vertx-reactive:]postgres[ql]://[user[:password]@]host[:port]/database[?parameters]}; the
     * PostgreSQL JDBC driver takes credentials as parameters only.
     */
    static String jdbcUrlOf(String reactiveUrl) {
        URI uri = URI.create(firstServer(reactiveUrl));
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getRawAuthority().replaceFirst("^.*@", ""))
                .append(uri.getRawPath() == null ? "" : uri.getRawPath());
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        if (uri.getRawUserInfo() != null) {
            String[] credentials = uri.getRawUserInfo().split(":", 2);
            query = (query.isEmpty() ? "" : query + "&") + "user=" + credentials[0]
                    + (credentials.length > 1 ? "&password=" + credentials[1] : "");
        }
        return query.isEmpty() ? jdbc.toString() : jdbc.append('?').append(query).toString();
    }

    /**
     * The first server of a reactive URL (which may list several, comma-separated, and carry
     * Quarkus' {@code vertx-reactive:} prefix), as a plain {@code postgres[ql]://} URL that
     * {@code PgConnectOptions.fromUri} and {@link URI} read.
     */
    public static String firstServer(String reactiveUrl) {
        return reactiveUrl.split(",")[0].trim().replaceFirst("^vertx-reactive:", "");
    }

    private static String valueOf(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }
}
