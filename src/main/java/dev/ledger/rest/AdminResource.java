package dev.ledger.rest;

import dev.ledger.config.LedgerConfig;
import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.LedgerQueries;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class AdminResource {

    private final LedgerQueries queries;
    private final LedgerConfig config;
    private final LedgerMode mode;

    AdminResource(LedgerQueries queries, LedgerConfig config, LedgerMode mode) {
        this.queries = queries;
        this.config = config;
        this.mode = mode;
    }

    /** Compare two instances: equal positions must give equal digests, whatever their modes. */
    @GET
    @Path("/digest")
    public Uni<DigestBody> digest() {
        return queries.digest().map(snapshot -> new DigestBody(config.mode().name().toLowerCase(), snapshot.accounts(),
                snapshot.totalBalance(), snapshot.digest(), byName(snapshot.positions())));
    }

    /** The newest snapshot this instance wrote or restored; 404 when it has none (always in group mode, which keeps none). */
    @GET
    @Path("/snapshot")
    public Response snapshot() {
        return mode.snapshot()
                .map(snapshot -> Response.ok(new SnapshotBody(byName(snapshot.positions()), snapshot.accounts(), snapshot.digest(),
                        snapshot.bytes(), snapshot.takenAt().toString(), snapshot.source())).build())
                .orElseGet(() -> Problems.of(404, "snapshot-not-found", "No snapshot",
                        "This instance has neither written nor restored a snapshot."));
    }

    private static Map<String, Long> byName(Map<Integer, Long> positions) {
        var named = new LinkedHashMap<String, Long>();
        positions.forEach((partition, offset) -> named.put(Integer.toString(partition), offset));
        return named;
    }
}
