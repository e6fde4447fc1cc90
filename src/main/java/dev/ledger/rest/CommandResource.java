package dev.ledger.rest;

import dev.ledger.command.Outcomes;
import dev.ledger.pipeline.LedgerQueries;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/commands")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Commands")
public class CommandResource {

    private final LedgerQueries queries;
    private final Outcomes outcomes;

    CommandResource(LedgerQueries queries, Outcomes outcomes) {
        this.queries = queries;
        this.outcomes = outcomes;
    }

    /** APPLIED or REJECTED once applied; PENDING while this instance knows it is on the topic but not applied. */
    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") @Pattern(regexp = Api.ID, message = Api.ID_MESSAGE) String id) {
        return queries.findCommand(id).map(found -> {
            if (found.isPresent()) {
                var result = found.get();
                return Response.ok(new CommandStatus(id, result.applied() ? "APPLIED" : "REJECTED",
                        result.applied() ? null : result.rejection().name(), Replies.location(result))).build();
            }
            if (outcomes.inFlight(id)) {
                return Response.ok(CommandStatus.pending(id)).build();
            }
            return Problems.of(404, "command-not-found", "No such command",
                    "This instance knows no command " + id + ".");
        });
    }
}
