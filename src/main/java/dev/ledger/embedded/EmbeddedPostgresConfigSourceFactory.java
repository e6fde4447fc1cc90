package dev.ledger.embedded;

import static dev.ledger.config.ModeConfigSourceFactory.JDBC_URL;
import static dev.ledger.config.ModeConfigSourceFactory.REACTIVE_URL;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.ledger.config.ModeConfigSourceFactory;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * In the {@code dev} profile and group mode, points the datasource at an {@link EmbeddedPostgres}
 * server keeping its data in {@code target/postgres-dev}, unless the user configured a database
 * ({@code quarkus.datasource.reactive.url} or {@code quarkus.datasource.jdbc.url}, or their
 * environment variables).
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    private static final Path DATA_DIR = Path.of("target", "postgres-dev");

    /** Below application.properties (250), so any user setting still wins. */
    private static final int ORDINAL = 200;

    // Named, not referenced: a direct reference would make the native image compile in the server, and
    // the packaged application, which lacks zonky and the PostgreSQL binaries, must never load it.
    private static final String LAUNCHER = "dev.ledger.embedded.EmbeddedPostgres";
    private static final String ZONKY = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    // EmbeddedPostgres.USER and PASSWORD, repeated for the same reason.
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || !ModeConfigSourceFactory.isGroupMode(context)
                || isSet(context.getValue(REACTIVE_URL)) || isSet(context.getValue(JDBC_URL))) {
            return List.of();
        }
        ClassLoader loader = EmbeddedPostgresConfigSourceFactory.class.getClassLoader();
        try {
            Class.forName(ZONKY, false, loader);
        } catch (ClassNotFoundException e) {
            return List.of();
        }
        String jdbcUrl = startServer(loader);
        return List.of(new PropertiesConfigSource(datasource(jdbcUrl, USER, PASSWORD), "EmbeddedPostgres", ORDINAL));
    }

    /** The settings that point both the reactive client and JDBC (Flyway) at one PostgreSQL database. */
    public static Map<String, String> datasource(String jdbcUrl, String username, String password) {
        return Map.of(
                JDBC_URL, jdbcUrl,
                REACTIVE_URL, jdbcUrl.substring("jdbc:".length()),
                "quarkus.datasource.username", username,
                "quarkus.datasource.password", password);
    }

    private static String startServer(ClassLoader loader) {
        try {
            return (String) Class.forName(LAUNCHER, true, loader)
                    .getMethod("start", Path.class)
                    .invoke(null, DATA_DIR);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Could not start the embedded development PostgreSQL", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not start the embedded development PostgreSQL", e);
        }
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
