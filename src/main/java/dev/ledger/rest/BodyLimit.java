package dev.ledger.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses an oversize body with a 413 problem. Quarkus enforces the same limit
 * (quarkus.http.limits.max-body-size), but with a bare 413: before routing for a declared length,
 * and, for a body of undeclared length (chunked), while RESTEasy reads it.
 */
@ApplicationScoped
public class BodyLimit {

    /** Runs before the route (order -2) through which Quarkus itself checks the limit. */
    private static final int BEFORE_QUARKUS_LIMIT = -3;

    void install(@Observes Router router, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        long maxBytes = limit.asLongValue();
        var problem = new Problem("about:blank", "Content Too Large", 413, "The body is larger than " + maxBytes + " bytes.", null);
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(context -> {
            if (declaredLength(context.request().getHeader("Content-Length")) > maxBytes) {
                refuse(context, problem);
            } else {
                context.next();
            }
        });
        // A JSON body is read here, up to the limit, so that one of undeclared length is refused
        // here too; RESTEasy takes the body read. Only JSON: the handler would also parse forms.
        router.route().order(BEFORE_QUARKUS_LIMIT).consumes(MediaType.APPLICATION_JSON)
                .handler(BodyHandler.create(false).setBodyLimit(maxBytes))
                .handler(BodyLimit::emptyUnlessRead)
                .failureHandler(context -> {
                    if (context.statusCode() == 413) {
                        refuse(context, problem);
                    } else {
                        context.next();
                    }
                });
    }

    /**
     * The handler leaves no body when no byte came; RESTEasy, finding none read, would then wait
     * for one from a request already over, and never answer.
     */
    @SuppressWarnings("deprecation") // the one way to hand RESTEasy a body read before it
    private static void emptyUnlessRead(RoutingContext context) {
        if (context.body().buffer() == null) {
            context.setBody(Buffer.buffer());
        }
        context.next();
    }

    private static void refuse(RoutingContext context, Problem problem) {
        // The rest of the body is not read: the connection cannot carry another request.
        context.response().putHeader("Connection", "close");
        Problems.answer(context, problem);
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
