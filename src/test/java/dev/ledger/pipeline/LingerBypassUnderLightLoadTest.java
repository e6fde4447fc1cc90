package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.open;

import dev.ledger.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(LongLinger.class)
@WithTestResource(KafkaBrokerResource.class)
class LingerBypassUnderLightLoadTest {

    @Test
    void underLightLoadAMutationIsAppliedWithoutWaitingOutTheProducersLinger() {
        open(newId("acct"), "Ada", "EUR").statusCode(201);
    }
}
