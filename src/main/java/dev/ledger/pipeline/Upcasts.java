package dev.ledger.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.domain.EventType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How an event's {@code data} written at an older version of its type reads as the current one.
 * The codec applies them as it decodes, before the record rules, so neither mode ever sees
 * anything but current-version events. A version is never changed once released: a new field or
 * a new meaning is a new version with a step here.
 */
final class Upcasts {

    private final Map<EventType, List<UnaryOperator<ObjectNode>>> steps = new EnumMap<>(EventType.class);

    /** Made with the codec, so that a version raised in EventType without its step stops the service at start. */
    Upcasts() {
        for (var type : EventType.values()) {
            var typeSteps = steps(type);
            // Without it, every older event of the type would fail to upcast and be skipped as invalid.
            if (typeSteps.size() != type.version() - 1) {
                throw new IllegalStateException(type.wireName() + " is at version " + type.version() + " but has "
                        + typeSteps.size() + " upcasts");
            }
            steps.put(type, typeSteps);
        }
    }

    /** Each type's steps: the first takes version 1 to 2, the next 2 to 3, and so on. */
    private static List<UnaryOperator<ObjectNode>> steps(EventType type) {
        return switch (type) {
            case ACCOUNT_OPEN_REQUESTED, DEPOSIT_REQUESTED, WITHDRAWAL_REQUESTED, TRANSFER_REFUND_REQUESTED -> List.of();
            // 2: transfers carry a reference. Version 1 had none; a field of that name a version-1
            // reader ignored stays ignored, so the event means what it meant then.
            case TRANSFER_REQUESTED, TRANSFER_CREDIT_REQUESTED -> List.of(data -> {
                data.remove("reference");
                return data;
            });
        };
    }

    /** {@code data} of {@code type} at {@code version} (1 to the current one), brought to the current version. */
    ObjectNode upcast(EventType type, int version, ObjectNode data) {
        var typeSteps = steps.get(type);
        for (int from = version; from < type.version(); from++) {
            data = typeSteps.get(from - 1).apply(data);
        }
        return data;
    }
}
