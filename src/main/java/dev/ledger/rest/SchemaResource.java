package dev.ledger.rest;

import dev.ledger.domain.EventType;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The JSON Schema of every event type at every version this release reads, as shipped in
 * {@code src/main/resources/schemas/<type>/v<version>.json}, for the services that consume the
 * topic. Read once, at start: a schema missing for a version the service reads stops it there.
 */
@Path("/schemas")
@Tag(name = "Event schemas")
@Singleton
@Startup
public class SchemaResource {

    static final String SCHEMA_JSON = "application/schema+json";

    /** Each type's schemas, the first for version 1. */
    private final Map<EventType, List<byte[]>> schemas = new EnumMap<>(EventType.class);

    SchemaResource() {
        for (var type : EventType.values()) {
            schemas.put(type, IntStream.rangeClosed(1, type.version()).mapToObj(version -> load(type, version)).toList());
        }
    }

    /** Every event type, its current version (the one this release writes) and where each version's schema is. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public SchemaList list() {
        return new SchemaList(Stream.of(EventType.values())
                .map(type -> new SchemaList.Type(type.wireName(), type.version(), IntStream.rangeClosed(1, type.version())
                        .mapToObj(version -> "/schemas/" + type.wireName() + "/" + version).toList()))
                .toList());
    }

    @GET
    @Path("/{type}/{version}")
    @Produces({SCHEMA_JSON, MediaType.APPLICATION_JSON})
    public Response schema(@PathParam("type") String type, @PathParam("version") String version) {
        var known = Stream.of(EventType.values()).filter(candidate -> candidate.wireName().equals(type)).findFirst();
        int number = version.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(version) : 0;
        if (known.isEmpty() || number < 1 || number > known.get().version()) {
            return Problems.of(404, "schema-not-found", "No such event schema",
                    "There is no schema for event type " + type + " version " + version + "; GET /schemas lists them.");
        }
        return Response.ok(schemas.get(known.get()).get(number - 1), SCHEMA_JSON).build();
    }

    private static byte[] load(EventType type, int version) {
        var name = "schemas/" + type.wireName() + "/v" + version + ".json";
        try (var in = SchemaResource.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The service reads " + type.wireName() + " version " + version
                        + " but ships no schema for it (" + name + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /schemas}. */
    @RegisterForReflection
    public record SchemaList(List<Type> types) {

        /** @param current the version this release writes; it reads every one up to it */
        @RegisterForReflection
        public record Type(String type, int current, List<String> versions) {
        }
    }
}
