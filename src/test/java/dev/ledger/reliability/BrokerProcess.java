package dev.ledger.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.ledger.embedded.EmbeddedKafka;
import org.awaitility.Awaitility;

/** An Apache Kafka broker (KRaft) in a process of its own, on a fixed loopback port and data directory. */
final class BrokerProcess implements AutoCloseable {

    private final ChildProcess process;
    private final int port;

    BrokerProcess(Path dataDir) {
        this.port = EmbeddedKafka.freePort();
        this.process = new ChildProcess("broker", ChildProcess.java(List.of("-Xmx384m", "-XX:+UseSerialGC",
                "-cp", ChildProcess.testClassPath(), BrokerMain.class.getName(),
                dataDir.toAbsolutePath().toString(), String.valueOf(port))), Map.of());
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker and waits until it takes clients. */
    void start() {
        long linesBefore = logLines().size();
        process.start();
        Awaitility.await("broker start").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .failFast(() -> !process.alive())
                .until(() -> logLines().stream().skip(linesBefore).anyMatch(line -> line.startsWith(BrokerMain.READY)));
    }

    /** SIGKILL: the broker dies without a clean shutdown; its data stays for {@link #start()}, which recovers it. */
    void kill() {
        process.kill();
    }

    /** SIGTERM. */
    @Override
    public void close() {
        process.stop();
    }

    private List<String> logLines() {
        try {
            return Files.exists(process.logFile()) ? Files.readAllLines(process.logFile(), StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
