package dev.ledger.rest;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link TransferResourceTest} against the packaged application in group mode: the build records
 * replay mode's database settings as defaults, which only the packaged application can show.
 */
@QuarkusIntegrationTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeTransferResourceIT extends TransferResourceTest {
}
