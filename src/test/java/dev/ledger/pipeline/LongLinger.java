package dev.ledger.pipeline;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * A producer that lingers three seconds, three times the command timeout: a mutation whose event
 * waits out the linger is not in Kafka when the timeout passes, and is answered 503; one sent at
 * once is applied and answered with its outcome.
 */
public class LongLinger implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mp.messaging.outgoing.ledger-events.linger.ms", "3000", "ledger.command-timeout", "1s");
    }

    /** The same, with the bypass off: every event waits out the linger. */
    public static class AlwaysBatching extends LongLinger {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("ledger.producer-batching-rate", "0");
            return overrides;
        }
    }
}
