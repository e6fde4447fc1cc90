package dev.ledger.pipeline;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;

/** {@link V1TopicTest} in group mode: the version-1 topic applied into PostgreSQL gives the same state. */
@QuarkusTest
@TestProfile(GroupModeV1TopicTest.GroupOnItsOwnTopic.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeV1TopicTest extends V1TopicTest {

    public static class GroupOnItsOwnTopic extends GroupMode {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = new HashMap<>(super.getConfigOverrides());
            overrides.putAll(new ReplayOnItsOwnTopic().getConfigOverrides());
            return overrides;
        }
    }
}
