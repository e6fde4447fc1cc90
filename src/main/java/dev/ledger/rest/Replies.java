package dev.ledger.rest;

import dev.ledger.command.CommandGateway.Accepted;
import dev.ledger.command.CommandGateway.Decided;
import dev.ledger.command.CommandGateway.Reply;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Transfer;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.Objects;

/** How commands are answered, the same way whether first sent or retried. */
final class Replies {

    private Replies() {
    }

    /** Whether the client asked, with {@code Prefer: respond-async}, not to wait for the outcome. */
    static boolean respondAsync(String prefer) {
        return prefer != null && Arrays.stream(prefer.split("[,;]"))
                .anyMatch(preference -> preference.trim().equalsIgnoreCase("respond-async"));
    }

    /** 202: the event is durably on the topic; its outcome will be at {@code /commands/{id}}. */
    static Response accepted(String commandId) {
        return Response.accepted(CommandStatus.pending(commandId))
                .location(URI.create("/commands/" + commandId))
                .header("Preference-Applied", "respond-async")
                .build();
    }

    /** The answer to an account command: the account as the command left it, or a problem. */
    static Response account(Reply reply, LedgerEvent event, Response.Status success) {
        if (reply instanceof Accepted accepted) {
            return accepted(accepted.commandId());
        }
        var result = ((Decided) reply).result();
        if (!sameRequest(result, event)) {
            return Problems.idempotencyKeyReused();
        }
        if (!result.applied()) {
            return Problems.rejected(result.rejection(), result.rejection().description() + ": account " + event.accountId());
        }
        var response = Response.status(success).entity(AccountBody.of(result.account()));
        if (success == Response.Status.CREATED) {
            response.location(URI.create("/accounts/" + result.account().accountId()));
        }
        return response.build();
    }

    /** 201 with a settled transfer, 202 with one still PENDING. */
    static Response transfer(Transfer transfer) {
        return Response.status(transfer.status().settled() ? Response.Status.CREATED : Response.Status.ACCEPTED)
                .location(URI.create("/transfers/" + transfer.transferId()))
                .entity(TransferBody.of(transfer))
                .build();
    }

    /** A stored result answers this request only if it came from the same request (same key and same body). */
    static boolean sameRequest(CommandResult result, LedgerEvent event) {
        return Objects.equals(result.requestHash(), event.requestHash());
    }

    static String location(CommandResult result) {
        if (result.transfer() != null) {
            return "/transfers/" + result.transfer().transferId();
        }
        return result.applied() && result.account() != null ? "/accounts/" + result.account().accountId() : null;
    }
}
