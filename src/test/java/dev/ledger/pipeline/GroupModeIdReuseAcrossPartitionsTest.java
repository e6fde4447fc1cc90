package dev.ledger.pipeline;

import dev.ledger.GroupMode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link IdReuseAcrossPartitionsTest} in group mode: a row per account (commands) or partition (applied follow-ups) under the id. */
@QuarkusTest
@TestProfile(GroupMode.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class GroupModeIdReuseAcrossPartitionsTest extends IdReuseAcrossPartitionsTest {
}
