package dev.ledger.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a declared oversize body with a 413 problem before it is read. Quarkus enforces the same
 * limit (quarkus.http.limits.max-body-size) on bodies of undeclared length, with a bare 413.
 */
@ApplicationScoped
public class BodyLimit {

    /** Runs before the route (order -2) through which Quarkus itself checks the limit. */
    private static final int BEFORE_QUARKUS_LIMIT = -3;

    void install(@Observes Router router, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        long maxBytes = limit.asLongValue();
        var problem = Json.encode(new Problem("about:blank", "Content Too Large", 413,
                "The body is larger than " + maxBytes + " bytes.", null));
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(context -> {
            if (declaredLength(context.request().getHeader("Content-Length")) > maxBytes) {
                context.response().setStatusCode(413)
                        .putHeader("Content-Type", Api.PROBLEM_JSON)
                        .putHeader("Connection", "close")
                        .end(problem);
            } else {
                context.next();
            }
        });
    }

    /** The declared body length, or -1 when none or unreadable (Quarkus refuses those itself). */
    private static long declaredLength(String header) {
        try {
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
