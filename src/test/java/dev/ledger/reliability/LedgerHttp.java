package dev.ledger.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The ledger API of one instance, over plain HTTP: what a client on the network sees. */
final class LedgerHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    // Above the service's 5 s command timeout: a slower answer means the instance is in trouble.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    record Answer(int status, JsonNode body) {
    }

    /** An account as GET /accounts lists it. */
    record Account(long balance, long version) {
    }

    private final String name;
    private final URI base;

    LedgerHttp(String name, URI base) {
        this.name = name;
        this.base = base;
    }

    String name() {
        return name;
    }

    /** POSTs {@code body} as JSON; an {@link IOException} means the outcome is unknown. */
    Answer post(String path, String idempotencyKey, Map<String, Object> body, boolean respondAsync) throws IOException {
        var request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        if (respondAsync) {
            request.header("Prefer", "respond-async");
        }
        return send(request);
    }

    Answer get(String path) throws IOException {
        return send(request(path).GET());
    }

    /** GET that must answer 200. */
    JsonNode read(String path) {
        try {
            var answer = get(path);
            if (answer.status() != 200) {
                throw new IllegalStateException("GET %s on %s answered %d: %s".formatted(path, name, answer.status(), answer.body()));
            }
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on " + name, e);
        }
    }

    boolean ready() {
        try {
            return get("/q/health/ready").status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    JsonNode digest() {
        return read("/admin/digest");
    }

    /** Every account, page by page. */
    Map<String, Account> accounts() {
        var accounts = new TreeMap<String, Account>();
        String after = null;
        do {
            var page = read("/accounts?limit=1000" + (after == null ? "" : "&after=" + after));
            page.get("items").forEach(item -> accounts.put(item.get("accountId").asText(),
                    new Account(item.get("balance").asLong(), item.get("version").asLong())));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        return accounts;
    }

    /** The sum of a Prometheus counter's samples whose labels contain {@code labels}, e.g. {@code reason="malformed"}. */
    double metric(String counter, String labels) {
        try {
            var metrics = HttpRequest.newBuilder(base.resolve("/q/metrics")).timeout(REQUEST_TIMEOUT).GET().build();
            return CLIENT.send(metrics, HttpResponse.BodyHandlers.ofString()).body().lines()
                    .filter(line -> line.startsWith(counter + "{") && line.contains(labels))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException("GET /q/metrics on " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    }

    private Answer send(HttpRequest.Builder request) throws IOException {
        try {
            var response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            var body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
