package dev.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.ledger.embedded.EmbeddedPostgres;
import dev.ledger.embedded.EmbeddedPostgresConfigSourceFactory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A new, empty PostgreSQL database for a {@code @QuarkusTest} of group mode:
 * {@code @WithTestResource(PostgresResource.class)}. It is created on the server at 127.0.0.1:5432 when
 * one answers there (user {@code postgres}, trust authentication) and dropped at the end; with no such
 * server, on a throwaway {@link EmbeddedPostgres}. Either way it points both the reactive and the JDBC
 * datasource at it; {@link #connect()} opens a plain JDBC connection to it for assertions on rows.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(PostgresResource.class.getName());
    private static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private EmbeddedPostgres embedded;
    private String adminUrl;
    private String database;

    @Override
    public Map<String, String> start() {
        String server = LOCAL_SERVER;
        if (!answers(server + "postgres")) {
            embedded = EmbeddedPostgres.startFresh();
            server = "jdbc:postgresql://127.0.0.1:" + embedded.port() + "/";
        }
        adminUrl = server + "postgres";
        // A random name keeps concurrent builds on one server, and test classes on one build, apart.
        database = "ledger_test_" + UUID.randomUUID().toString().replace("-", "");
        execute(adminUrl, "create database " + database);
        LOG.info(() -> "Test database %s on %s".formatted(database, embedded == null ? "127.0.0.1:5432" : "an embedded PostgreSQL"));
        return EmbeddedPostgresConfigSourceFactory.datasource(server + database, USER, PASSWORD);
    }

    @Override
    public void stop() {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        } else if (database != null) {
            // The application has stopped by now; FORCE ends any connection it still left open.
            execute(adminUrl, "drop database if exists " + database + " with (force)");
        }
        database = null;
    }

    /** A plain JDBC connection to the running test application's database; the caller closes it. */
    public static Connection connect() throws SQLException {
        Config config = ConfigProvider.getConfig();
        return DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
    }

    private static boolean answers(String url) {
        try (Connection ignored = DriverManager.getConnection(url + "?connectTimeout=2", USER, PASSWORD)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run '%s' on %s".formatted(sql, url), e);
        }
    }
}
