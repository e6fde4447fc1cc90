package dev.ledger.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU seconds used so far by every process a mutation passes through on this machine: the instance
 * under test (and, of that, its JIT compiler threads), this JVM (the broker and the load generator)
 * and PostgreSQL's processes. Two of them, taken around a run, say what each mutation cost where,
 * a figure that the load of a shared machine moves far less than latency.
 *
 * @param compiler the instance's C1 and C2 compiler threads, NaN where {@code /proc} does not say
 * @param postgres NaN when no PostgreSQL process reports its CPU time (another user's, or none)
 */
record CpuTimes(double service, double compiler, double bench, double postgres) {

    static CpuTimes of(Service service) {
        // The JVM names them "C1 CompilerThread0", "C2 CompilerThread0", ...
        return new CpuTimes(service.cpuSeconds(), service.threadCpuSeconds(name -> name.matches("C[12] CompilerThre.*")),
                ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9, postgresSeconds());
    }

    /** The instance's share, per mutation from {@code before} to this. */
    String instancePerMutation(CpuTimes before, long mutations) {
        return Figure.format("instance %.2f ms (its JIT compilers %.2f)", millisEach(service - before.service, mutations),
                millisEach(compiler - before.compiler, mutations));
    }

    /** The other processes' shares, per mutation from {@code before} to this. */
    String othersPerMutation(CpuTimes before, long mutations) {
        return Figure.format("PostgreSQL %.2f ms, bench JVM (broker, load generator) %.2f ms",
                millisEach(postgres - before.postgres, mutations), millisEach(bench - before.bench, mutations));
    }

    /** The share of one core the instance's JIT compilers used from {@code before} to this, {@code period} apart; NaN when unknown. */
    double compilerShare(CpuTimes before, Duration period) {
        return (compiler - before.compiler) * 1e9 / period.toNanos();
    }

    private static double millisEach(double seconds, long mutations) {
        return seconds * 1000 / mutations;
    }

    /** Every process named postgres: the server and its backends, those alive now (a backend gone since takes its time with it). */
    private static double postgresSeconds() {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(command -> Path.of(command).getFileName().toString().equals("postgres"))
                        .orElse(false))
                .map(process -> process.info().totalCpuDuration())
                .flatMap(Optional::stream)
                .mapToDouble(cpu -> cpu.toNanos() / 1e9)
                .reduce(Double::sum)
                .orElse(Double.NaN);
    }
}
