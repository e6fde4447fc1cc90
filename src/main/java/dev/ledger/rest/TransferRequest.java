package dev.ledger.rest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ledger.domain.Amount;
import dev.ledger.domain.EventRules;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /transfers}; the server picks the id when none is given. The request is hashed as
 * Jackson writes this record (see CommandRequests): an absent reference is left out, so that a
 * request without one hashes as it did before references, and a retry across releases is the
 * same request.
 */
public record TransferRequest(
        @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String transferId,
        @NotNull @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String from,
        @NotNull @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String to,
        @NotNull @Min(Amount.MIN) @Max(Amount.MAX) Long amount,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Size(max = EventRules.MAX_REFERENCE_LENGTH) @Pattern(regexp = Api.TEXT, message = Api.TEXT_MESSAGE) String reference) {

    @JsonIgnore
    @AssertTrue(message = "from and to must be different accounts")
    public boolean isBetweenTwoAccounts() {
        return from == null || !from.equals(to);
    }
}
