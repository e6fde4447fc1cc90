package dev.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final String TOPIC = "ledger-events";

    @Test
    void aFreshBrokerCreatesTopicsAndRoundTripsRecords() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startFresh()) {
            createTopic(kafka.bootstrapServers());
            produce(kafka.bootstrapServers(), "a1", "opened");

            assertThat(consumeAll(kafka.bootstrapServers(), 1))
                    .containsExactly(Map.entry("a1", "opened"));
        }
    }

    @Test
    void aFreshBrokerDeletesItsDirectoryOnClose() {
        EmbeddedKafka kafka = EmbeddedKafka.startFresh();
        Path dir = kafka.dataDir();
        assertThat(dir).isDirectory();

        kafka.close();

        assertThat(dir).doesNotExist();
    }

    @Test
    void recordsSurviveARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startOwned(dataDir)) {
            createTopic(kafka.bootstrapServers());
            produce(kafka.bootstrapServers(), "a1", "opened");
            produce(kafka.bootstrapServers(), "a1", "credited");
        }

        // The restarted broker listens on other ports: the stored metadata must not depend on them.
        try (EmbeddedKafka kafka = EmbeddedKafka.startOwned(dataDir)) {
            try (Admin admin = admin(kafka.bootstrapServers())) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            assertThat(consumeAll(kafka.bootstrapServers(), 2))
                    .containsExactly(Map.entry("a1", "opened"), Map.entry("a1", "credited"));
        }
    }

    @Test
    void theSharedBrokerOfADirectoryIsStartedOnlyOnce() throws Exception {
        // Not a @TempDir: the shared broker runs until the JVM exits and must keep its files till then.
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "embedded-kafka-shared-");
        String address = EmbeddedKafka.start(dataDir);

        assertThat(EmbeddedKafka.start(dataDir)).isEqualTo(address);
        assertThat(EmbeddedKafka.start(dataDir.resolve("..").resolve(dataDir.getFileName()))).isEqualTo(address);
        assertThat(dataDir.resolve("meta.properties")).exists();
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static void createTopic(String bootstrapServers) throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
    }

    private static void produce(String bootstrapServers, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
        }
    }

    private static List<Map.Entry<String, String>> consumeAll(String bootstrapServers, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<Map.Entry<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(Set.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(Map.entry(record.key(), record.value()));
                }
            }
        }
        return records;
    }
}
