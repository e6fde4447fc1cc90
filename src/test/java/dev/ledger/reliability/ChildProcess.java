package dev.ledger.reliability;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@code java} process the suite starts, its output appended to a log file under
 * {@code target/reliability/}. Every one still alive when the test JVM exits is killed, so a failed
 * or aborted run leaves nothing behind.
 */
final class ChildProcess {

    static final Path LOG_DIR = Path.of("target", "reliability");
    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private Process process;

    ChildProcess(String name, List<String> command, Map<String, String> environment) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = environment;
    }

    /** The command that runs {@code arguments} on the JVM running the suite. */
    static List<String> java(List<String> arguments) {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        return command;
    }

    String name() {
        return name;
    }

    Path logFile() {
        return LOG_DIR.resolve(name + ".log");
    }

    /** Starts the process (again, after {@link #kill()} or {@link #stop()}), appending to the same log. */
    void start() {
        try {
            Files.createDirectories(LOG_DIR);
            Files.writeString(logFile(), "=== starting " + name + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            ALIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no goodbye to the broker or the database. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGSTOP: the process stays, frozen, doing nothing and answering nobody, until killed. */
    void freeze() {
        try {
            // The shell's own kill: Java cannot send SIGSTOP, and a kill program is not on every machine.
            int exit = new ProcessBuilder("sh", "-c", "kill -STOP " + process.pid()).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -STOP " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: the process shuts down in order. */
    void stop() {
        if (alive()) {
            process.destroy();
            awaitExit();
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ALIVE.remove(process);
    }

    /** The test class path: failsafe may run the tests from a manifest-only jar, which names it elsewhere. */
    static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }
}
