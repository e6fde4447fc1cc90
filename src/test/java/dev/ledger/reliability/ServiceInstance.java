package dev.ledger.reliability;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.ledger.embedded.EmbeddedKafka;
import org.awaitility.Awaitility;

/**
 * One ledger service instance run from the packaged jar ({@code target/quarkus-app/quarkus-run.jar})
 * in a process of its own, on a fixed loopback port that it keeps across restarts.
 */
final class ServiceInstance implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final ChildProcess process;
    private final LedgerHttp http;

    private ServiceInstance(String name, Map<String, String> environment, Map<String, String> properties) {
        int port = EmbeddedKafka.freePort();
        var env = new HashMap<>(environment);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        var arguments = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        properties.forEach((key, value) -> arguments.add("-D" + key + "=" + value));
        arguments.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        this.process = new ChildProcess(name, arguments, env);
        this.http = new LedgerHttp(name, URI.create("http://127.0.0.1:" + port));
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
