package dev.ledger.pipeline;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link CommandIdReuseTest} in group mode: a row per account under the id, the two partitions' batches at any moment. */
@QuarkusTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeCommandIdReuseTest extends CommandIdReuseTest {
}
