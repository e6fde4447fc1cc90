package dev.ledger.replay;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Dual-mode equivalence: {@link ReplayRebuildTest} with the running instance in group mode, so a
 * replay-mode consumer rebuilding the topic in memory must reach the digest PostgreSQL holds.
 */
@QuarkusTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class DualModeEquivalenceTest extends ReplayRebuildTest {
}
