package dev.ledger.embedded;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * In the {@code dev} profile, points {@code kafka.bootstrap.servers} at an {@link EmbeddedKafka} broker
 * keeping its data in {@code target/kafka-dev}, unless the user configured a broker
 * ({@code kafka.bootstrap.servers} or {@code KAFKA_BOOTSTRAP_SERVERS}).
 */
public class EmbeddedKafkaConfigSourceFactory implements ConfigSourceFactory {

    private static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    private static final Path DATA_DIR = Path.of("target", "kafka-dev");

    /** Below application.properties (250), so any user setting still wins. */
    private static final int ORDINAL = 200;

    // Named, not referenced: a direct reference would make the native image compile in the broker, and
    // the packaged application, which lacks the Kafka server jars, must never load it.
    private static final String LAUNCHER = "dev.ledger.embedded.EmbeddedKafka";
    private static final String KAFKA_SERVER = "kafka.server.KafkaRaftServer";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || isSet(context.getValue(BOOTSTRAP_SERVERS))) {
            return List.of();
        }
        ClassLoader loader = EmbeddedKafkaConfigSourceFactory.class.getClassLoader();
        try {
            Class.forName(KAFKA_SERVER, false, loader);
        } catch (ClassNotFoundException e) {
            return List.of();
        }
        String address = startBroker(loader);
        return List.of(new PropertiesConfigSource(Map.of(BOOTSTRAP_SERVERS, address), "EmbeddedKafka", ORDINAL));
    }

    private static String startBroker(ClassLoader loader) {
        try {
            return (String) Class.forName(LAUNCHER, true, loader)
                    .getMethod("start", Path.class)
                    .invoke(null, DATA_DIR);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Could not start the embedded development Kafka", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not start the embedded development Kafka", e);
        }
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
