package dev.ledger.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks the Idempotency-Key header on the raw request: a parameter cannot tell an empty header
 * (invalid) from a missing one (allowed).
 */
public class IdempotencyKeyCheck {

    private static final Pattern VALID = Pattern.compile(Api.IDEMPOTENCY_KEY);

    /** @return a 400 problem for a malformed key, null to go on */
    @ServerRequestFilter
    public Response check(HttpServerRequest request) {
        var key = request.getHeader(Api.IDEMPOTENCY_KEY_HEADER);
        if (key == null || VALID.matcher(key).matches()) {
            return null;
        }
        return Problems.of(new Problem(Problems.VALIDATION_TYPE, Problems.VALIDATION_TITLE, 400, "The Idempotency-Key header is not valid.",
                List.of(new Problem.Violation(Api.IDEMPOTENCY_KEY_HEADER, "must be 1 to 128 printable ASCII characters"))));
    }
}
