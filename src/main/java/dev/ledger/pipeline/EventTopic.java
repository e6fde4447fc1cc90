package dev.ledger.pipeline;

import dev.ledger.config.LedgerConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** The event topic: created on first start, checked on every start. */
@ApplicationScoped
public class EventTopic {

    private static final Logger LOG = Logger.getLogger(EventTopic.class);
    /** The settings of a topic whose records are kept until deleted explicitly: the event topic, the snapshot topic. */
    public static final Map<String, String> KEPT_FOREVER = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1", TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);

    private final Map<String, Object> kafka;
    private final LedgerConfig config;

    EventTopic(@Identifier("default-kafka-broker") Map<String, Object> kafka, LedgerConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    /** Every Kafka setting given to this service, for a client that picks its own. */
    public Map<String, Object> clientConfig() {
        return new HashMap<>(kafka);
    }

    /** The settings shared by every Kafka client this service creates by hand (bootstrap, TLS, SASL). */
    public Map<String, Object> clientConfig(Iterable<String> knownNames) {
        var result = new HashMap<String, Object>();
        knownNames.forEach(name -> {
            if (kafka.containsKey(name)) {
                result.put(name, kafka.get(name));
            }
        });
        return result;
    }

    /**
     * Creates the topic if it does not exist, with unlimited retention: it is the source of truth.
     *
     * @param needsFullHistory whether to refuse a topic that may lose events (replay mode rebuilds from all of them)
     * @param ownTopics the mode's other topics, created with it when missing
     * @return the topic's partition count
     */
    public int ensure(boolean needsFullHistory, List<NewTopic> ownTopics) {
        var topic = config.topic();
        var admin = Admin.create(clientConfig(AdminClientConfig.configNames()));
        try {
            var eventTopic = new NewTopic(topic, Optional.of(config.topicPartitions()), Optional.empty()).configs(KEPT_FOREVER);
            var topics = new ArrayList<NewTopic>();
            topics.add(eventTopic);
            topics.addAll(ownTopics);
            createIfMissing(admin, topics);
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            if (needsFullHistory) {
                var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                var settings = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                requireFullHistory(topic, value(settings.get(TopicConfig.RETENTION_MS_CONFIG)),
                        value(settings.get(TopicConfig.RETENTION_BYTES_CONFIG)),
                        value(settings.get(TopicConfig.CLEANUP_POLICY_CONFIG)));
            }
            return partitions;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create or inspect topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing topic " + topic, e);
        } finally {
            // Every call above has been answered: the default close would still wait about 100 ms for the
            // client's network thread, on the start-up's critical path.
            admin.close(Duration.ZERO);
        }
    }

    /** Creates those of {@code topics} that do not exist yet, in one request. */
    private static void createIfMissing(Admin admin, List<NewTopic> topics) throws InterruptedException {
        var created = admin.createTopics(topics).values();
        for (var topic : topics) {
            try {
                created.get(topic.name()).get();
                LOG.infof("Created topic %s with %d partitions", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
        }
    }

    private static String value(org.apache.kafka.clients.admin.ConfigEntry entry) {
        return entry == null ? null : entry.value();
    }

    static void requireFullHistory(String topic, String retentionMs, String retentionBytes, String cleanupPolicy) {
        if (!"-1".equals(retentionMs) || !"-1".equals(retentionBytes)
                || cleanupPolicy == null || cleanupPolicy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException(("Replay mode rebuilds its state from every event ever written, but topic %s "
                    + "can lose events (retention.ms=%s, retention.bytes=%s, cleanup.policy=%s). Set retention.ms=-1, "
                    + "retention.bytes=-1 and cleanup.policy=delete on the topic, or run LEDGER_MODE=group.")
                    .formatted(topic, retentionMs, retentionBytes, cleanupPolicy));
        }
    }
}
