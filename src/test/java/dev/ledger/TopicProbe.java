package dev.ledger;

import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.LedgerQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads and writes the event topic directly, beside the service, on the broker the tests run. */
public final class TopicProbe {

    private TopicProbe() {
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    public static String topic() {
        return ConfigProvider.getConfig().getValue("ledger.topic", String.class);
    }

    /** The number of records ever written to the topic. */
    public static long recordCount() {
        return recordCount(bootstrapServers(), topic());
    }

    /** As {@link #recordCount()}, of {@code topic} on the broker at {@code bootstrapServers}. */
    public static long recordCount(String bootstrapServers, String topic) {
        return withAdmin(bootstrapServers, admin -> {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            var latest = new HashMap<TopicPartition, OffsetSpec>();
            partitions.forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
        });
    }

    /** A topic as the broker has it: its partition count and its settings. */
    public record Described(int partitions, Map<String, String> settings) {
    }

    public static Described describe(String topic) {
        return withAdmin(bootstrapServers(), admin -> {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            var settings = new HashMap<String, String>();
            admin.describeConfigs(List.of(resource)).all().get().get(resource).entries()
                    .forEach(entry -> settings.put(entry.name(), entry.value()));
            return new Described(partitions, settings);
        });
    }

    /** What one admin client answers, its calls awaited. */
    private interface AdminCall<T> {
        T on(Admin admin) throws ExecutionException, InterruptedException;
    }

    private static <T> T withAdmin(String bootstrapServers, AdminCall<T> call) {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return call.on(admin);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes raw records straight to the topic, bypassing the service, and waits until the broker has them. */
    public static void write(List<ProducerRecord<String, byte[]>> records) {
        write(bootstrapServers(), records);
    }

    /** As {@link #write(List)}, on the broker at {@code bootstrapServers}. */
    public static void write(String bootstrapServers, List<ProducerRecord<String, byte[]>> records) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    /** Every record a topic holds now, read from the beginning of each partition. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return readAll(bootstrapServers(), topic);
    }

    /** As {@link #readAll(String)}, on the broker at {@code bootstrapServers}. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers, String topic) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            var records = new ArrayList<ConsumerRecord<String, byte[]>>();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    public static ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(topic(), key, value);
    }

    /** An event with ids of its own, now, as the service would write it for a new command. */
    public static LedgerEvent event(String accountId, Payload payload) {
        return new LedgerEvent(UUID.randomUUID().toString(), accountId, UUID.randomUUID().toString(), Instant.now(), null, null, payload);
    }

    /** How far a state reflects the topic, in records: equal to {@link #recordCount()} once it has applied them all. */
    public static long positionsSum(LedgerQueries.Snapshot snapshot) {
        return snapshot.positions().values().stream().mapToLong(Long::longValue).sum();
    }
}
