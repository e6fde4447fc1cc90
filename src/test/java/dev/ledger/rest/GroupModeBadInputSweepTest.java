package dev.ledger.rest;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BadInputSweepTest} again, in group mode: the same contract with state in PostgreSQL. */
@QuarkusTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeBadInputSweepTest extends BadInputSweepTest {
}
