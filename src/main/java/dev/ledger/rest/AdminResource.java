package dev.ledger.rest;

import dev.ledger.config.LedgerConfig;
import dev.ledger.pipeline.LedgerQueries;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class AdminResource {

    private final LedgerQueries queries;
    private final LedgerConfig config;

    AdminResource(LedgerQueries queries, LedgerConfig config) {
        this.queries = queries;
        this.config = config;
    }

    /** Compare two instances: equal positions must give equal digests, whatever their modes. */
    @GET
    @Path("/digest")
    public Uni<DigestBody> digest() {
        return queries.digest().map(snapshot -> {
            var positions = new LinkedHashMap<String, Long>();
            snapshot.positions().forEach((partition, offset) -> positions.put(Integer.toString(partition), offset));
            return new DigestBody(config.mode().name().toLowerCase(), snapshot.accounts(), snapshot.totalBalance(),
                    snapshot.digest(), positions);
        });
    }
}
