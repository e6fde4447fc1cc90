package dev.ledger.tracing;

import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link TracingTest} in group mode: the apply span is the group consumer's, ended once its batch is committed. */
@QuarkusTest
@TestProfile(Traced.InGroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeTracingTest extends TracingTest {
}
