package dev.ledger.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The physical limit of reading a topic on this machine: Kafka's own ConsumerPerformance
 * (org.apache.kafka:kafka-tools), in a JVM of its own like the service, reading every record
 * without decoding it.
 */
final class RawConsumer {

    /** ConsumerPerformance's own figures: the whole run's rate, and the rate of fetching alone (no group join). */
    record Rate(double perSecond, double fetchPerSecond) {
    }

    private RawConsumer() {
    }

    static Rate read(Bench.Setup setup, String topic, long messages) {
        var log = setup.work().resolve("logs").resolve("consumer-performance-" + topic + ".log");
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server", setup.bootstrap(), "--topic", topic, "--messages", Long.toString(messages),
                "--group", "bench-raw-" + UUID.randomUUID(), "--timeout", "60000");
        try {
            Files.createDirectories(log.getParent());
            var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("ConsumerPerformance failed; see " + log);
            }
            return parse(Files.readAllLines(log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Its output: a CSV header line (start.time, ..., nMsg.sec, ..., fetch.nMsg.sec), later one line of values. */
    private static Rate parse(List<String> lines, Path log) {
        List<String> header = List.of();
        for (var line : lines) {
            var fields = Arrays.asList(line.split(",\\s*"));
            if (fields.contains("fetch.nMsg.sec")) {
                header = fields;
            } else if (!header.isEmpty() && fields.size() == header.size()) {
                return new Rate(Double.parseDouble(fields.get(header.indexOf("nMsg.sec"))),
                        Double.parseDouble(fields.get(header.indexOf("fetch.nMsg.sec"))));
            }
        }
        throw new IllegalStateException("No figures in ConsumerPerformance's output; see " + log);
    }
}
