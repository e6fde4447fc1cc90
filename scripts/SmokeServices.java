import dev.ledger.embedded.EmbeddedKafka;
import dev.ledger.embedded.EmbeddedPostgres;

/**
 * For scripts/container-smoke.sh: starts the embedded development broker and PostgreSQL on loopback
 * (classes from target/classes, jars from the test class path), prints where they listen, and keeps
 * them until the process is stopped (SIGTERM); both are deleted then.
 * <p>
 * {@code java -cp <target/classes and the test class path> scripts/SmokeServices.java [kafka] [postgres]}
 */
public class SmokeServices {

    public static void main(String[] args) throws Exception {
        var which = java.util.Set.of(args.length == 0 ? new String[] {"kafka", "postgres"} : args);
        EmbeddedKafka kafka = which.contains("kafka") ? EmbeddedKafka.startFresh() : null;
        EmbeddedPostgres postgres = which.contains("postgres") ? EmbeddedPostgres.startFresh() : null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (postgres != null) {
                postgres.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }));
        if (kafka != null) {
            System.out.println("KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers());
        }
        if (postgres != null) {
            System.out.println("POSTGRES_PORT=" + postgres.port());
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
