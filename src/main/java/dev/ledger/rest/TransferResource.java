package dev.ledger.rest;

import dev.ledger.command.CommandGateway;
import dev.ledger.command.CommandGateway.Accepted;
import dev.ledger.command.CommandGateway.Decided;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import dev.ledger.pipeline.LedgerQueries;
import io.micrometer.core.annotation.Timed;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/transfers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Transfers")
public class TransferResource {

    private final CommandGateway gateway;
    private final LedgerQueries queries;
    private final CommandRequests requests;

    TransferResource(CommandGateway gateway, LedgerQueries queries, CommandRequests requests) {
        this.gateway = gateway;
        this.queries = queries;
        this.requests = requests;
    }

    /** Waits for the debit, then for the credit (or refund): 201 once settled, 202 while still PENDING. */
    @POST
    @Timed(value = "ledger.mutations", extraTags = {"operation", "transfer"}, histogram = true)
    public Uni<Response> transfer(
            @HeaderParam(Api.IDEMPOTENCY_KEY_HEADER) String idempotencyKey,
            @HeaderParam("Prefer") String prefer,
            @NotNull @Valid TransferRequest body) {
        var started = Instant.now();
        var request = new CommandRequests.Request(idempotencyKey, "POST", "/transfers", body);
        var transferId = request.newId(body.transferId());
        var event = requests.event(request, body.from(), new Payload.TransferRequested(transferId, body.to(), body.amount(), body.reference()));
        var settlement = gateway.settlementOf(transferId, body.from(), started);
        return gateway.submit(event, Replies.respondAsync(prefer), taken(body.transferId())).flatMap(reply -> {
            if (reply instanceof Accepted accepted) {
                return Uni.createFrom().item(Replies.accepted(accepted.commandId()));
            }
            var decided = (Decided) reply;
            var result = decided.result();
            if (!Replies.sameRequest(result, event)) {
                return Uni.createFrom().item(Problems.idempotencyKeyReused());
            }
            if (result.transfer() == null) {
                return Uni.createFrom().item(Problems.rejected(result.rejection(), "Transfer " + transferId + " already exists."));
            }
            if (result.transfer().status().settled()) {
                return Uni.createFrom().item(Replies.transfer(result.transfer()));
            }
            return settlement.await(decided.seenBefore()).map(transfer -> Replies.transfer(transfer.orElse(result.transfer())));
        }).onTermination().invoke(settlement::cancel);
    }

    /**
     * A transfer id this instance already knows is refused before anything is written. The rules
     * refuse it again when applying, but only for the same sender: whether another sender's
     * transfer was applied first depends on how partitions interleave.
     */
    private Uni<Optional<Rejection>> taken(String transferId) {
        return transferId == null
                ? Uni.createFrom().item(Optional.empty())
                : queries.findTransfer(transferId).map(known -> known.map(transfer -> Rejection.TRANSFER_ALREADY_EXISTS));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String id) {
        return queries.findTransfer(id).map(transfer -> transfer
                .map(found -> Response.ok(TransferBody.of(found)).build())
                .orElseGet(() -> Problems.of(404, "transfer-not-found", "No such transfer",
                        "There is no transfer " + id + ".")));
    }
}
