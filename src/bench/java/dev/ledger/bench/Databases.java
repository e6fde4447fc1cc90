package dev.ledger.bench;

import dev.ledger.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fresh PostgreSQL databases for group-mode instances: on the server at 127.0.0.1:5432 when one
 * answers (user postgres, trust authentication), else on an embedded server started for the run.
 * Every database created is dropped at the end.
 */
final class Databases implements AutoCloseable {

    private static final String USER = EmbeddedPostgres.USER;
    private static final String PASSWORD = EmbeddedPostgres.PASSWORD;

    private final String server;
    private final EmbeddedPostgres embedded;
    private final List<String> created = new ArrayList<>();

    private Databases(String server, EmbeddedPostgres embedded) {
        this.server = server;
        this.embedded = embedded;
    }

    static Databases localOrEmbedded() {
        var local = "127.0.0.1:5432";
        if (answers("jdbc:postgresql://" + local + "/postgres?connectTimeout=2")) {
            return new Databases(local, null);
        }
        var embedded = EmbeddedPostgres.startFresh();
        return new Databases("127.0.0.1:" + embedded.port(), embedded);
    }

    String describe() {
        return server + (embedded == null ? "" : " (embedded)");
    }

    /** Creates an empty database and returns its name. */
    String create(String name) {
        execute("create database " + name);
        created.add(name);
        return name;
    }

    /** The environment that points a group-mode instance at {@code database}. */
    Map<String, String> environment(String database) {
        return Map.of("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + server + "/" + database,
                "QUARKUS_DATASOURCE_USERNAME", USER, "QUARKUS_DATASOURCE_PASSWORD", PASSWORD);
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + server + "/" + database, USER, PASSWORD);
    }

    @Override
    public void close() {
        for (var name : created) {
            execute("drop database if exists " + name + " with (force)");
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    private void execute(String sql) {
        try (var connection = connect("postgres"); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run '" + sql + "' on " + server, e);
        }
    }

    private static boolean answers(String url) {
        try (Connection ignored = DriverManager.getConnection(url, USER, PASSWORD)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
