package dev.ledger.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code GET /commands/{id}}: whether a command has been applied yet, and how. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record CommandStatus(String commandId, String status, String reason, String location) {

    static CommandStatus pending(String commandId) {
        return new CommandStatus(commandId, "PENDING", null, null);
    }
}
