package dev.ledger.rest;

import dev.ledger.domain.Amount;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /accounts/{id}/deposits} and {@code /withdrawals}: an amount in minor units. */
public record AmountRequest(
        @NotNull @Min(Amount.MIN) @Max(Amount.MAX) Long amount,
        @Size(max = 200) @Pattern(regexp = Api.TEXT, message = Api.TEXT_MESSAGE) String reference) {
}
