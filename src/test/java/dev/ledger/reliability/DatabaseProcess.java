package dev.ledger.reliability;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Map;

import dev.ledger.embedded.EmbeddedKafka;
import dev.ledger.embedded.EmbeddedPostgres;
import dev.ledger.embedded.EmbeddedPostgresConfigSourceFactory;

/**
 * A PostgreSQL server of the test's own, on a fixed loopback port and data directory, so that a
 * test can kill it and start it again where the instances look for it.
 */
final class DatabaseProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port = EmbeddedKafka.freePort();
    private EmbeddedPostgres server;

    DatabaseProcess(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** Starts the server; after {@link #kill()}, it first recovers from its write-ahead log, as after a crash. */
    void start() {
        server = EmbeddedPostgres.startOwned(dataDir, port);
    }

    /** A new database on the server, as the settings a group instance takes. */
    Map<String, String> createDatabase(String name) throws SQLException {
        try (var connection = DriverManager.getConnection(server.jdbcUrl(), EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
                var statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        return EmbeddedPostgresConfigSourceFactory.datasource(server.jdbcUrl(name), EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
    }

    /** SIGKILL to the server and every backend at once: commits not yet flushed to its log are lost. */
    void kill() {
        var postmaster = EmbeddedPostgres.postmasterOf(dataDir).orElseThrow(() -> new IllegalStateException("no server runs on " + dataDir));
        var processes = new ArrayList<ProcessHandle>();
        processes.add(postmaster);
        postmaster.descendants().forEach(processes::add);
        processes.forEach(ProcessHandle::destroyForcibly);
        processes.forEach(process -> process.onExit().join());
        // Releases the directory's lock, which a second start in this JVM would otherwise fail on;
        // the clean stop it also tries finds no server.
        close();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
