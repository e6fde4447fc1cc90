package dev.ledger.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /accounts}; the server picks the id when none is given. */
public record OpenAccountRequest(
        @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String accountId,
        @NotBlank @Size(max = 200) @Pattern(regexp = Api.TEXT, message = Api.TEXT_MESSAGE) String owner,
        @NotNull @Pattern(regexp = Api.CURRENCY, message = "must be three upper-case letters") String currency) {
}
