package dev.ledger.embedded;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * One embedded server per data directory for the whole JVM. Quarkus dev mode loads these classes
 * again on every live reload, so a static field would forget a running server; system properties
 * live as long as the JVM. Only the server's address is kept there.
 */
final class JvmWide {

    private JvmWide() {
    }

    /** The address of the server of {@code kind} on {@code dataDir}, started by {@code start} the first time. */
    static synchronized String address(String kind, Path dataDir, Supplier<String> start) {
        String key = "dev.ledger.embedded-" + kind + "@" + dataDir.toAbsolutePath().normalize();
        String running = System.getProperty(key);
        if (running != null) {
            return running;
        }
        String address = start.get();
        System.setProperty(key, address);
        return address;
    }
}
