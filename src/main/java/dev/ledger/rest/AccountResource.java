package dev.ledger.rest;

import dev.ledger.command.CommandGateway;
import dev.ledger.domain.Payload;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Accounts")
public class AccountResource {

    private final CommandGateway gateway;
    private final LedgerQueries queries;
    private final CommandRequests requests;

    AccountResource(CommandGateway gateway, LedgerQueries queries, CommandRequests requests) {
        this.gateway = gateway;
        this.queries = queries;
        this.requests = requests;
    }

    @POST
    @Timed(value = "ledger.mutations", extraTags = {"operation", "open-account"}, histogram = true)
    public Uni<Response> open(
            @HeaderParam(Api.IDEMPOTENCY_KEY_HEADER) String idempotencyKey,
            @HeaderParam("Prefer") String prefer,
            @NotNull @Valid OpenAccountRequest body) {
        var request = new CommandRequests.Request(idempotencyKey, "POST", "/accounts", body);
        var event = requests.event(request, request.newId(body.accountId()),
                new Payload.AccountOpenRequested(body.owner(), body.currency()));
        return gateway.submit(event, Replies.respondAsync(prefer))
                .map(reply -> Replies.account(reply, event, Response.Status.CREATED));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String id) {
        return queries.findAccount(id).map(account -> account
                .map(found -> Response.ok(AccountBody.of(found)).build())
                .orElseGet(() -> Problems.of(404, "account-not-found", "No such account",
                        "There is no account " + id + ".")));
    }

    @GET
    public Uni<AccountPage> list(
            @QueryParam("limit") @Pattern(regexp = Api.LIMIT, message = "must be an integer from 1 to 1000") String limit,
            @QueryParam("after") @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String after) {
        int size = limit == null ? 100 : Integer.parseInt(limit);
        return queries.listAccounts(after, size + 1).map(accounts -> {
            var items = accounts.stream().limit(size).map(AccountBody::of).toList();
            return new AccountPage(items, accounts.size() > size ? items.get(size - 1).accountId() : null);
        });
    }

    @POST
    @Path("/{id}/deposits")
    @Timed(value = "ledger.mutations", extraTags = {"operation", "deposit"}, histogram = true)
    public Uni<Response> deposit(
            @PathParam("id") @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String id,
            @HeaderParam(Api.IDEMPOTENCY_KEY_HEADER) String idempotencyKey,
            @HeaderParam("Prefer") String prefer,
            @NotNull @Valid AmountRequest body) {
        return move(new CommandRequests.Request(idempotencyKey, "POST", "/accounts/" + id + "/deposits", body), id,
                new Payload.DepositRequested(body.amount(), body.reference()), prefer);
    }

    @POST
    @Path("/{id}/withdrawals")
    @Timed(value = "ledger.mutations", extraTags = {"operation", "withdraw"}, histogram = true)
    public Uni<Response> withdraw(
            @PathParam("id") @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String id,
            @HeaderParam(Api.IDEMPOTENCY_KEY_HEADER) String idempotencyKey,
            @HeaderParam("Prefer") String prefer,
            @NotNull @Valid AmountRequest body) {
        return move(new CommandRequests.Request(idempotencyKey, "POST", "/accounts/" + id + "/withdrawals", body), id,
                new Payload.WithdrawalRequested(body.amount(), body.reference()), prefer);
    }

    private Uni<Response> move(CommandRequests.Request request, String accountId, Payload payload, String prefer) {
        var event = requests.event(request, accountId, payload);
        return gateway.submit(event, Replies.respondAsync(prefer)).map(reply -> Replies.account(reply, event, Response.Status.OK));
    }
}
