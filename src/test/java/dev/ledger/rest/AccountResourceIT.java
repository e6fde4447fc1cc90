package dev.ledger.rest;

import dev.ledger.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AccountResourceTest} against the packaged application, in replay mode. */
@QuarkusIntegrationTest
@WithTestResource(KafkaBrokerResource.class)
class AccountResourceIT extends AccountResourceTest {
}
