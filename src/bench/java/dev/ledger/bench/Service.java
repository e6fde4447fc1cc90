package dev.ledger.bench;

import dev.ledger.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One instance of the packaged service ({@code java -jar quarkus-run.jar}) as a process of its own,
 * configured through environment variables as an operator would. Its output goes to a log file.
 */
final class Service implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** G1 and Parallel report kilobytes, ZGC megabytes. */
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)([KM])");
    /** Each log line begins with its time, in Quarkus' default console format. */
    private static final String LOG_TIME = "yyyy-MM-dd HH:mm:ss,SSS";
    private static final DateTimeFormatter LOG_TIME_FORMAT = DateTimeFormatter.ofPattern(LOG_TIME);

    private final Process process;
    private final long startedNanos;
    private final int port;
    private final Path log;

    private Service(Process process, long startedNanos, int port, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts an instance; {@code jvmOptions} go before {@code -jar}.
     *
     * @param name names its log file under {@code logs}
     */
    static Service start(Bench.Setup setup, String name, Map<String, String> environment, List<String> jvmOptions) {
        int port = EmbeddedKafka.freePort();
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        var log = setup.work().resolve("logs").resolve(name + ".log");
        if (setup.profile()) {
            command.add("-XX:StartFlightRecording:settings=profile,dumponexit=true,filename="
                    + log.resolveSibling(name + ".jfr"));
        }
        command.add("-jar");
        command.add(setup.jar().toString());
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", setup.bootstrap());
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            long started = System.nanoTime();
            return new Service(builder.start(), started, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** The CPU time the instance has used so far, all its threads, user and system. */
    double cpuSeconds() {
        return process.info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("This system does not report a process's CPU time")).toNanos() / 1e9;
    }

    /**
     * CPU seconds so far of the instance's threads whose names {@code named} accepts, from Linux's
     * {@code /proc/<pid>/task/<tid>/stat} (thread names as the JVM gives them, cut at 15 characters;
     * times in clock ticks of 10 ms); NaN where there is no such file. A thread that ends while
     * they are read is left out, its time gone with it.
     */
    double threadCpuSeconds(Predicate<String> named) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            long ticks = 0;
            for (var task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue;
                }
                int nameEnd = stat.lastIndexOf(')');
                if (named.test(stat.substring(stat.indexOf('(') + 1, nameEnd))) {
                    // After the name: state, then fields 4 to 13, then utime and stime (fields 14 and 15).
                    var fields = stat.substring(nameEnd + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
            return ticks / 100.0;
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
    }

    /** Polls {@code /q/health/ready} every 50 ms; returns the seconds from process start to the first 200. */
    double awaitReady(Duration timeout) {
        var request = HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e9;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(50);
        }
        throw new IllegalStateException("The service was not ready within " + timeout + "; see " + log);
    }

    /**
     * Seconds between the instance's first log lines containing {@code from} and {@code to}, by their
     * timestamps: a phase timed by the instance itself, which leaves its start-up out exactly. Waits
     * up to 10 s for the lines, which may reach the file just after the instance reported ready.
     */
    double loggedSeconds(String from, String to) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                var lines = Files.readAllLines(log);
                var begun = firstTime(lines, from);
                var ended = firstTime(lines, to);
                if (begun != null && ended != null) {
                    return Duration.between(begun, ended).toNanos() / 1e9;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No log lines with '" + from + "' and '" + to + "' in " + log);
            }
            sleep(100);
        }
    }

    private static LocalDateTime firstTime(List<String> lines, String marker) {
        return lines.stream().filter(line -> line.contains(marker)).findFirst()
                .map(line -> LocalDateTime.parse(line.substring(0, LOG_TIME.length()), LOG_TIME_FORMAT)).orElse(null);
    }

    /** The body of a GET, or an empty string when the instance does not answer. */
    String get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)));
    }

    /** The body of a POST of {@code json}, or an empty string when the instance does not answer. */
    String post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Heap in use after a full collection, read with jcmd, in bytes. */
    long heapUsedAfterFullGc() {
        jcmd("GC.run");
        var matcher = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!matcher.find()) {
            throw new IllegalStateException("No heap figure in jcmd's GC.heap_info output");
        }
        return Long.parseLong(matcher.group(1)) * (matcher.group(2).equals("K") ? 1024 : 1024 * 1024);
    }

    /** {@code jcmd GC.class_histogram}: the live objects by class, after a full collection. */
    String classHistogram() {
        return jcmd("GC.class_histogram");
    }

    private String jcmd(String command) {
        try {
            var jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid()), command).redirectErrorStream(true).start();
            var output = new String(jcmd.getInputStream().readAllBytes());
            if (jcmd.waitFor() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, as an orchestrator would stop it; SIGKILL if it has not stopped after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
