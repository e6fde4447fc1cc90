package dev.ledger.rest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ledger.domain.Amount;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code POST /transfers}; the server picks the id when none is given. */
public record TransferRequest(
        @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String transferId,
        @NotNull @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String from,
        @NotNull @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String to,
        @NotNull @Min(Amount.MIN) @Max(Amount.MAX) Long amount) {

    @JsonIgnore
    @AssertTrue(message = "from and to must be different accounts")
    public boolean isBetweenTwoAccounts() {
        return from == null || !from.equals(to);
    }
}
