package dev.ledger.pipeline;

import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.open;
import static org.hamcrest.Matchers.endsWith;

import dev.ledger.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** The counterpart of {@link LingerBypassUnderLightLoadTest}: with the bypass off, the same mutation waits out the linger. */
@QuarkusTest
@TestProfile(LongLinger.AlwaysBatching.class)
@WithTestResource(KafkaBrokerResource.class)
class AlwaysBatchingTest {

    @Test
    void withABatchingRateOfZeroAMutationWaitsOutTheProducersLinger() {
        open(newId("acct"), "Ada", "EUR").statusCode(503).body("type", endsWith("kafka-unavailable"));
    }
}
