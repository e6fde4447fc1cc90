package dev.ledger.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.ledger.embedded.EmbeddedKafka;
import org.awaitility.Awaitility;

/**
 * One ledger service instance run from the packaged application in a process of its own, on a fixed
 * loopback port that it keeps across restarts. The application is what the build packaged, as
 * {@code target/quarkus-artifact.properties} says: the jar ({@code target/quarkus-app/quarkus-run.jar}),
 * or the native executable after {@code -Dnative}.
 */
final class ServiceInstance implements AutoCloseable {

    static final Path ARTIFACT = Path.of("target", "quarkus-artifact.properties");
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final ChildProcess process;
    private final LedgerHttp http;

    private ServiceInstance(String name, Map<String, String> environment, Map<String, String> properties) {
        int port = EmbeddedKafka.freePort();
        var env = new HashMap<>(environment);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        var settings = new ArrayList<String>();
        properties.forEach((key, value) -> settings.add("-D" + key + "=" + value));
        this.process = new ChildProcess(name, command(settings), env);
        this.http = new LedgerHttp(name, URI.create("http://127.0.0.1:" + port));
    }

    /** The command that runs the packaged application with {@code settings} ({@code -Dkey=value}) and a small heap. */
    private static List<String> command(List<String> settings) {
        var artifact = new Properties();
        try (var in = Files.newInputStream(ARTIFACT)) {
            artifact.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("No packaged application: run the suite in mvn verify, after package", e);
        }
        String path = Path.of("target").resolve(artifact.getProperty("path")).toAbsolutePath().toString();
        if ("native".equals(artifact.getProperty("type"))) {
            var command = new ArrayList<>(List.of(path, "-Xmx256m"));
            command.addAll(settings);
            return command;
        }
        var arguments = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        arguments.addAll(settings);
        arguments.addAll(List.of("-jar", path));
        return ChildProcess.java(arguments);
    }

    /** A group-mode instance on {@code topic}, sharing the database {@code datasource} (Quarkus properties). */
    static ServiceInstance group(String name, BrokerProcess broker, String topic, Map<String, String> datasource) {
        return new ServiceInstance(name, environment("group", broker, topic), datasource);
    }

    /** A replay-mode instance on {@code topic}. */
    static ServiceInstance replay(String name, BrokerProcess broker, String topic) {
        return new ServiceInstance(name, environment("replay", broker, topic), Map.of());
    }

    private static Map<String, String> environment(String mode, BrokerProcess broker, String topic) {
        return Map.of(
                "LEDGER_MODE", mode,
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "LEDGER_TOPIC", topic,
                "LEDGER_DEAD_LETTER_TOPIC", topic + "-dlq",
                // The suite's faults should be noticed within seconds, not the default 10 s.
                "LEDGER_REPLAY_FOLLOW_UP_RETRY", "3s",
                "LEDGER_GROUP_FOLLOW_UP_RETRY", "3s");
    }

    String name() {
        return process.name();
    }

    LedgerHttp http() {
        return http;
    }

    /** Starts the process without waiting for it. */
    ServiceInstance launch() {
        process.start();
        return this;
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    ServiceInstance awaitReady() {
        Awaitility.await(name() + " ready").atMost(STARTUP).pollInterval(Duration.ofMillis(250))
                .failFast(name() + " exited; its log: " + process.logFile(), () -> !process.alive())
                .until(http::ready);
        return this;
    }

    /** SIGSTOP, until {@link #kill()}. */
    void freeze() {
        process.freeze();
    }

    /** SIGKILL. */
    void kill() {
        process.kill();
    }

    Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() {
        process.stop();
    }
}
