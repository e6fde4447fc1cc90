package dev.ledger.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ledger.domain.Transfer;

/** A transfer as the API shows it; {@code reason} only when it was rejected or refunded, {@code reference} when it has one. */
@RegisterForReflection
public record TransferBody(String transferId, String from, String to, long amount, String currency, String status,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String reference) {

    static TransferBody of(Transfer transfer) {
        var shownReason = transfer.status().settled() && transfer.reason() != null ? transfer.reason().name() : null;
        return new TransferBody(transfer.transferId(), transfer.from(), transfer.to(), transfer.amount(),
                transfer.currency(), transfer.status().name(), shownReason, transfer.reference());
    }
}
