package dev.ledger.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.ledger.command.CommandGateway.PartitionStalledException;
import dev.ledger.command.CommandGateway.PublishTimeoutException;
import dev.ledger.domain.Rejection;
import dev.ledger.pipeline.EventPublisher.PublishRefusedException;
import dev.ledger.pipeline.LedgerQueries.StateUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the API answers, as {@code application/problem+json}. */
public final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);
    private static final String TYPE_PREFIX = "urn:ledger:problem:";
    static final String VALIDATION_TYPE = TYPE_PREFIX + "validation";
    static final String VALIDATION_TITLE = "The request is not valid";

    static Response of(int status, String slug, String title, String detail) {
        return of(new Problem(TYPE_PREFIX + slug, title, status, detail, null));
    }

    static Response of(Problem problem) {
        return Response.status(problem.status()).type(Api.PROBLEM_JSON).entity(problem).build();
    }

    /** Answers from a Vert.x route, for what must be refused before RESTEasy reads the request. */
    static void answer(RoutingContext context, Problem problem) {
        context.response().setStatusCode(problem.status()).putHeader("Content-Type", Api.PROBLEM_JSON).end(Json.encode(problem));
    }

    /** The answer to a command the ledger's rules rejected. */
    static Response rejected(Rejection rejection, String detail) {
        var status = switch (rejection) {
            case ACCOUNT_NOT_FOUND -> 404;
            case SAME_ACCOUNT -> 400;
            case IDEMPOTENCY_KEY_REUSED -> 422;
            default -> 409;
        };
        return of(status, rejection.name().toLowerCase().replace('_', '-'), rejection.description(), detail);
    }

    static Response idempotencyKeyReused() {
        return rejected(Rejection.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was sent before with a different request; use a new key for a new request.");
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        var violations = e.getConstraintViolations().stream()
                .map(violation -> new Problem.Violation(field(violation), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field).thenComparing(Problem.Violation::message))
                .toList();
        return of(new Problem(VALIDATION_TYPE, VALIDATION_TITLE, 400,
                violations.size() + " field(s) failed validation", violations));
    }

    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, MismatchedInputException.class})
    public Response unreadable(JsonProcessingException e) {
        var title = "The body is not JSON of the expected shape";
        var field = fieldOf(e);
        if (field != null) {
            return of(new Problem(TYPE_PREFIX + "malformed-json", title, 400, "The field '" + field + "' has the wrong type.",
                    List.of(new Problem.Violation(field, "has the wrong type or is out of range"))));
        }
        return of(new Problem(TYPE_PREFIX + "malformed-json", title, 400, "The body is not well-formed JSON.", null));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadable(unreadable);
        }
        var status = e.getResponse().getStatusInfo();
        return of(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), e.getMessage(), null));
    }

    @ServerExceptionMapper({PublishTimeoutException.class, PublishRefusedException.class})
    public Response notWritten(RuntimeException e) {
        return of(503, "kafka-unavailable", "The event could not be written to Kafka",
                e.getMessage() + "; nothing was acknowledged. Retry with the same Idempotency-Key.");
    }

    @ServerExceptionMapper
    public Response stateUnavailable(StateUnavailableException e) {
        return of(503, "database-unavailable", "The database cannot be reached",
                e.getMessage() + ". Retry with the same Idempotency-Key: a retry never applies anything twice.");
    }

    @ServerExceptionMapper
    public Response stalled(PartitionStalledException e) {
        return of(503, "partition-stalled", "The account's partition is stalled",
                e.getMessage() + "; nothing was written. Retry later: the partition is tried again with backoff.");
    }

    /** No token, or one that is expired, from another issuer, or not signed with the configured key. */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        LOG.debugf("Refused a request without a valid bearer token: %s", e.getMessage());
        var challenge = e instanceof AuthenticationFailedException ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Response.fromResponse(of(401, "unauthorized", "A valid bearer token is required",
                        "The request has no bearer token, or its token is expired, from another issuer or not signed with "
                                + "the expected key; nothing was written."))
                .header("WWW-Authenticate", challenge).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return of(403, "forbidden", "The token's roles do not allow this request",
                "The groups claim holds none of the roles allowed for " + request.method() + " " + request.path() + " ("
                        + AccessControl.READ + ": GET; " + AccessControl.WRITE + ": GET and POST; " + AccessControl.ADMIN
                        + ": /admin); nothing was written.");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure", e);
        return of(new Problem("about:blank", "Internal Server Error", 500, "An unexpected error occurred.", null));
    }

    private static String field(ConstraintViolation<?> violation) {
        String last = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getName() != null && node.getKind() != jakarta.validation.ElementKind.METHOD) {
                last = node.getName();
            }
        }
        return last == null ? "body" : last;
    }

    /** The field a type error is about, or null when the body is not JSON at all. */
    private static String fieldOf(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return null;
        }
        var field = new StringBuilder();
        for (var reference : mapping.getPath()) {
            if (!field.isEmpty()) {
                field.append('.');
            }
            field.append(reference.getFieldName() != null ? reference.getFieldName() : Integer.toString(reference.getIndex()));
        }
        return field.toString();
    }
}
