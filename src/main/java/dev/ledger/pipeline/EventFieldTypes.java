package dev.ledger.pipeline;

import dev.ledger.domain.Rejection;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The types the events' payloads hold besides themselves, for Jackson in the native image: a
 * refund's reason. {@link EventCodec} registers the payloads.
 */
@RegisterForReflection(targets = Rejection.class)
final class EventFieldTypes {

    private EventFieldTypes() {
    }
}
