package dev.ledger.group;

import dev.ledger.PostgresResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A new database for each test of the migrations (@RegisterExtension), reached over JDBC and by Flyway. */
final class ScratchDatabase implements BeforeEachCallback, AfterEachCallback {

    private final PostgresResource database = new PostgresResource();
    private Map<String, String> datasource;

    @Override
    public void beforeEach(ExtensionContext context) {
        datasource = database.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        database.stop();
    }

    /** Flyway on this database, with the service's migrations and defaults. */
    FluentConfiguration flyway() {
        return Flyway.configure().dataSource(url(), user(), password());
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    private String url() {
        return datasource.get("quarkus.datasource.jdbc.url");
    }

    private String user() {
        return datasource.get("quarkus.datasource.username");
    }

    private String password() {
        return datasource.get("quarkus.datasource.password");
    }
}
