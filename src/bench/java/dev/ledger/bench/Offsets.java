package dev.ledger.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** A topic's end offsets, per partition. */
final class Offsets {

    private Offsets() {
    }

    static Map<Integer, Long> end(String bootstrap, String topic) {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions();
            var request = new HashMap<TopicPartition, OffsetSpec>();
            partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            var result = new TreeMap<Integer, Long>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp.partition(), info.offset()));
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("Could not read the end offsets of " + topic, e);
        }
    }

    static long total(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
