package dev.ledger.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Apache Kafka (KRaft, combined broker and controller) running inside this JVM, for
 * development and tests only. It listens on the loopback interface on ports picked at start.
 *
 * <ul>
 * <li>{@link #start(Path)}: the JVM-wide broker of a data directory, shared and kept until the JVM exits.
 * <li>{@link #startOwned(Path)}: a broker the caller stops with {@link #close()}; its data stays.
 * <li>{@link #startOwned(Path, int)}: the same on a given port, so that a restarted broker keeps its address.
 * <li>{@link #startFresh()}: a broker on a temporary directory that {@link #close()} deletes.
 * </ul>
 *
 * The production application must never load this class: the Kafka server jars are only on the
 * dev-mode and test class paths.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafka.class.getName());
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /**
     * The broker logs every config value and each internal step at INFO; only its warnings are worth a
     * developer's attention. The loggers are kept here because java.util.logging may forget the level
     * of a logger nobody references.
     */
    private static final List<Logger> QUIETED = List.of(
            "kafka", "state.change.logger", "org.apache.kafka.server", "org.apache.kafka.raft",
            "org.apache.kafka.controller", "org.apache.kafka.metadata", "org.apache.kafka.image",
            "org.apache.kafka.storage", "org.apache.kafka.coordinator", "org.apache.kafka.queue",
            "org.apache.kafka.network", "org.apache.kafka.snapshot", "org.apache.kafka.security",
            "org.apache.kafka.common.config.AbstractConfig", "org.apache.kafka.common.utils.AppInfoParser",
            "org.apache.kafka.common.metrics")
            .stream().map(Logger::getLogger).toList();

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;
    private final boolean deleteOnClose;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, String bootstrapServers, boolean deleteOnClose) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Returns the address of the broker this JVM runs on {@code dataDir}, starting it first if needed.
     * It is shared by every caller and stopped only by a JVM shutdown hook.
     */
    public static String start(Path dataDir) {
        return JvmWide.address("kafka", dataDir, () -> {
            EmbeddedKafka kafka = startOwned(dataDir);
            // The hook holds the broker itself, for as long as the JVM runs.
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
            return kafka.bootstrapServers();
        });
    }

    /** Starts a broker on {@code dataDir}, formatting it first if it is new; {@link #close()} stops it. */
    public static EmbeddedKafka startOwned(Path dataDir) {
        return launch(dataDir, freePort(), false);
    }

    /**
     * As {@link #startOwned(Path)}, listening for clients on {@code brokerPort}: clients of a broker
     * stopped and started again on the same directory and port reconnect by themselves.
     */
    public static EmbeddedKafka startOwned(Path dataDir, int brokerPort) {
        return launch(dataDir, brokerPort, false);
    }

    /** Starts a broker on a new temporary directory, which {@link #close()} deletes. */
    public static EmbeddedKafka startFresh() {
        try {
            return launch(Files.createTempDirectory("embedded-kafka-"), freePort(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker (and deletes its directory if it was started by {@link #startFresh()}). */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try {
                Utils.delete(dataDir.toFile());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Could not delete " + dataDir, e);
            }
        }
    }

    private static EmbeddedKafka launch(Path dataDir, int brokerPort, boolean deleteOnClose) {
        QUIETED.forEach(logger -> logger.setLevel(Level.WARNING));
        long began = System.nanoTime();
        String dir = dataDir.toAbsolutePath().normalize().toString();
        int controllerPort = freePort();
        while (controllerPort == brokerPort) {
            controllerPort = freePort();
        }
        KafkaConfig config = new KafkaConfig(brokerConfig(dir, brokerPort, controllerPort), false);
        try {
            formatIfNew(dir);
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the Kafka storage in " + dir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            try {
                server.shutdown();
            } catch (RuntimeException whileStopping) {
                e.addSuppressed(whileStopping);
            }
            throw e;
        }
        String bootstrapServers = "localhost:" + brokerPort;
        LOG.info(() -> "Embedded Kafka started on %s with data in %s, in %d ms"
                .formatted(bootstrapServers, dir, (System.nanoTime() - began) / 1_000_000));
        return new EmbeddedKafka(server, dataDir, bootstrapServers, deleteOnClose);
    }

    private static Map<String, String> brokerConfig(String dir, int brokerPort, int controllerPort) {
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                // A static voter list (rather than a dynamic quorum) keeps the controller address out of
                // the stored metadata, so a new port on each start does not break an existing directory.
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ","
                        + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dir),
                // The service creates its own topics; a typo must fail instead of creating a new topic.
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // One node cannot hold more than one replica; one partition per internal topic is
                // plenty and makes their creation (on the first consumer group) much faster.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.num.partitions", "1"),
                // Small preallocated index files and log-cleaner buffer: development data is tiny.
                Map.entry("log.index.size.max.bytes", String.valueOf(1 << 20)),
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(2 << 20)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"));
    }

    /** Kafka neither starts on an unformatted directory nor formats one twice: only a new one is formatted. */
    private static void formatIfNew(String dir) throws Exception {
        if (Files.exists(Path.of(dir, "meta.properties"))) {
            return;
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dir))
                .setMetadataLogDirectory(dir)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .run();
    }

    /** A loopback port free right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
