package dev.ledger.rest;

import static dev.ledger.LedgerClient.newId;
import static dev.ledger.LedgerClient.openWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.KafkaBrokerResource;
import dev.ledger.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.Charset;
import java.util.Locale;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Generated bad input for every endpoint: each request gets a 4xx (never a 5xx) with an
 * {@code application/problem+json} body whose {@code status} is the HTTP status, and no batch
 * writes anything to the topic. The generator is seeded ({@code -Dsweep.seed=N} to replay a run).
 *
 * <p>Two kinds of request never reach the service, and get a bare 400 with no body: a request URI
 * {@link URI} cannot parse (a malformed percent escape), refused by Quarkus's first handler, and a
 * header value with a control character other than TAB, refused by Vert.x's HTTP decoder. Neither
 * offers a hook to answer otherwise (see {@link #refusedBeforeTheService}).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BadInputSweepTest {

    private static final long SEED = Long.getLong("sweep.seed", 0x1ED6E5L);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Set<Integer> ANY_4XX = Set.of();
    private static final String TRILLION = "1000000000000";

    @TestHTTPResource("/")
    URI base;

    private Random random;
    private String account;
    private String other;
    private final List<String> failures = new ArrayList<>();
    private int sent;

    /** One generated request and the statuses it may get (any 4xx when empty). */
    record Case(String what, String method, String path, Map<String, String> headers, byte[] body, boolean chunked,
            Set<Integer> expected, String field, Charset rawHeaders) {

        Case(String what, String method, String path, Map<String, String> headers, String body, Set<Integer> expected) {
            this(what, method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), false, expected, null, null);
        }

        Case inChunks() {
            return new Case(what + " in chunks", method, path, headers, body, true, expected, field, rawHeaders);
        }

        Case withField(String violation) {
            return new Case(what, method, path, headers, body, chunked, expected, violation, rawHeaders);
        }

        /** Sent over a plain socket with header values in this charset: the JDK client turns non-ASCII into '?'. */
        Case raw(Charset charset) {
            return new Case(what + " as " + charset, method, path, headers, body, chunked, expected, field, charset);
        }
    }

    /** What came back. */
    record Answer(int status, String contentType, String body) {
    }

    @BeforeEach
    void twoAccountsExist(TestInfo test) {
        long seed = SEED ^ test.getDisplayName().hashCode();
        System.out.printf("[bad-input-sweep] %s: seed %d (sweep.seed=%d)%n", test.getDisplayName(), seed, SEED);
        random = new Random(seed);
        account = openWith(1_000, "EUR");
        other = openWith(0, "EUR");
    }

    // ------------------------------------------------------------------------------------------
    // The sweeps
    // ------------------------------------------------------------------------------------------

    @Test
    void malformedJsonOnEveryPostIsABadRequestProblem() {
        sweep(() -> {
            // Not here: a leading byte order mark, which RFC 8259 (8.1) lets a parser ignore, as Jackson does.
            var fixed = List.of("", " ", "{", "}", "[", "]", "{}}", "{{}", "not json", "nul", "tru", "'x'", "{'amount': 1}",
                    "{\"amount\": 1}{\"amount\": 1}", "{\"amount\": 1} x", "{\"amount\": 1,}", "{\"amount\": NaN}",
                    "{\"amount\": Infinity}", "{\"amount\": 01}", "{\"amount\": 0x10}", "{\"amount\": +1}", "{amount: 1}",
                    "{\"amount\" 1}", "{\"amount\": 1 /* c */}", "{\"amount\": \"1}",
                    "[".repeat(5_000) + "]".repeat(5_000), "{\"amount\": " + "9".repeat(5_000) + "}",
                    "{\"owner\": \"\\uZZZZ\", \"currency\": \"EUR\"}", "{\"owner\": \"a\u0001b\", \"currency\": \"EUR\"}");
            var cases = new ArrayList<Case>();
            for (var body : fixed) {
                cases.add(post("fixed malformed", randomPostPath(), body, Set.of(400)));
                cases.add(post("fixed malformed", randomPostPath(), body, Set.of(400)).inChunks());
            }
            for (int i = 0; i < 80; i++) {
                var target = random.nextInt(4);
                var valid = validBody(target);
                var broken = random.nextBoolean() ? truncate(valid) : mutate(valid);
                if (isWellFormed(broken)) {
                    continue; // a mutation may still be JSON (and even a valid request): not what this sweep sends
                }
                cases.add(post("malformed " + (broken.length() == valid.length() ? "mutation" : "truncation"),
                        postPath(target), broken, Set.of(400)));
            }
            return cases;
        });
    }

    @Test
    void aWrongTypeForAnyFieldIsABadRequestNamingIt() {
        sweep(() -> {
            var cases = new ArrayList<Case>();
            for (int i = 0; i < 80; i++) {
                var target = random.nextInt(4);
                var body = (ObjectNode) tree(validBody(target));
                var fields = new ArrayList<String>();
                body.fieldNames().forEachRemaining(fields::add);
                var field = fields.get(random.nextInt(fields.size()));
                boolean numeric = field.equals("amount");
                var value = numeric ? pick(wrongForANumber()) : pick(wrongForAString());
                if (value.equals("null") && Set.of("accountId", "transferId", "reference").contains(field)) {
                    value = "false"; // null is allowed for optional fields
                }
                var json = body.toString().replace("\"" + field + "\":" + body.get(field), "\"" + field + "\":" + value);
                cases.add(post("wrong type for " + field, postPath(target), json, Set.of(400)).withField(field));
            }
            return cases;
        });
    }

    @Test
    void aMissingRequiredFieldIsABadRequestNamingIt() {
        sweep(() -> {
            var required = Map.of(0, List.of("owner", "currency"), 1, List.of("amount"), 2, List.of("amount"),
                    3, List.of("from", "to", "amount"));
            var cases = new ArrayList<Case>();
            for (int i = 0; i < 40; i++) {
                var target = random.nextInt(4);
                var body = (ObjectNode) tree(validBody(target));
                var fields = required.get(target);
                var dropped = fields.get(random.nextInt(fields.size()));
                body.remove(dropped);
                for (var field : fields) {
                    if (random.nextInt(3) == 0) {
                        body.remove(field);
                    }
                }
                cases.add(post("missing " + dropped, postPath(target), body.toString(), Set.of(400)).withField(dropped));
            }
            return cases;
        });
    }

    @Test
    void anAmountOutsideOneToATrillionIsABadRequest() {
        sweep(() -> {
            var amounts = List.of("0", "-1", "-0", "1000000000001", "9223372036854775807", "-9223372036854775808",
                    "9223372036854775808", "99999999999999999999", "1.0", "1e3", "1E3", "1e0", "0.5", "-0.0", "1000000000000.0",
                    "1e12", "1e13");
            var cases = new ArrayList<Case>();
            for (var amount : amounts) {
                for (int target = 1; target <= 3; target++) {
                    var body = (ObjectNode) tree(validBody(target));
                    var json = body.toString().replace("\"amount\":" + body.get("amount"), "\"amount\":" + amount);
                    cases.add(post("amount " + amount, postPath(target), json, Set.of(400)).withField("amount"));
                }
            }
            // texts over 200 characters
            cases.add(post("reference of 201", postPath(1), "{\"amount\": 1, \"reference\": \"" + "r".repeat(201) + "\"}", Set.of(400))
                    .withField("reference"));
            cases.add(post("owner of 201", "/accounts", "{\"owner\": \"" + "o".repeat(201) + "\", \"currency\": \"EUR\"}", Set.of(400))
                    .withField("owner"));
            for (var blank : List.of("\"\"", "\" \"", "\"\\t\\n\"")) {
                cases.add(post("blank owner", "/accounts", "{\"owner\": " + blank + ", \"currency\": \"EUR\"}", Set.of(400))
                        .withField("owner"));
            }
            cases.add(post("from = to", "/transfers", "{\"from\": \"" + account + "\", \"to\": \"" + account + "\", \"amount\": 1}",
                    Set.of(400)));
            return cases;
        });
    }

    @Test
    void anOddIdInABodyIsABadRequestNamingIt() {
        sweep(() -> {
            var cases = new ArrayList<Case>();
            for (var id : oddBodyIds()) {
                var quoted = quote(id);
                cases.add(post("accountId " + id, "/accounts", "{\"accountId\": " + quoted + ", \"owner\": \"A\", \"currency\": \"EUR\"}",
                        Set.of(400)).withField("accountId"));
                var field = pick(List.of("transferId", "from", "to"));
                var body = (ObjectNode) tree(validBody(3));
                var json = body.toString().replace("\"" + field + "\":" + body.get(field), "\"" + field + "\":" + quoted);
                cases.add(post(field + " " + id, "/transfers", json, Set.of(400)).withField(field));
            }
            return cases;
        });
    }

    @Test
    void anOddIdInAPathIsABadRequestOrNotFound() {
        sweep(() -> {
            var cases = new ArrayList<Case>();
            for (var id : oddPathIds()) {
                for (var get : List.of("/accounts/", "/transfers/", "/commands/")) {
                    if (id.equals(".") && get.equals("/accounts/")) {
                        continue; // "/accounts/." is "/accounts/" (RFC 3986 dot segments): the list
                    }
                    cases.add(new Case("GET " + get + "{" + id + "}", "GET", get + id, Map.of(), (String) null, Set.of(400, 404, 405)));
                }
                if (id.equals("a;b=1")) {
                    continue; // a matrix parameter: the id before it is well-formed, and a deposit to it is a real command
                }
                for (var move : List.of("/deposits", "/withdrawals")) {
                    cases.add(post("POST {" + id + "}" + move, "/accounts/" + id + move, "{\"amount\": 1}", Set.of(400, 404, 405)));
                }
            }
            for (int i = 0; i < 15; i++) {
                var unknown = newId("unknown");
                var get = pick(List.of("/accounts/", "/transfers/", "/commands/"));
                cases.add(new Case("GET unknown " + get, "GET", get + unknown, Map.of(), (String) null, Set.of(404)));
            }
            return cases;
        });
    }

    @Test
    void aBadPageQueryIsABadRequest() {
        sweep(() -> {
            var limits = List.of("0", "-1", "1001", "1.5", "1e2", "abc", "%20", "01", "+1", "99999999999999999999", "1%00",
                    "10%0A", "%EF%BC%91", "%", "1%", "%ZZ", "1%2");
            var afters = new ArrayList<>(oddPathIds());
            afters.removeAll(List.of("a%2F", "a;b=1", "..;a=1", ".;a=1")); // ';' separates query parameters, like '&'
            afters.addAll(List.of("%20", "%2E", "%", "a%", "%ZZ", "a%2", "%G0", "%%"));
            var cases = new ArrayList<Case>();
            for (var limit : limits) {
                cases.add(get("limit=" + limit, "/accounts?limit=" + limit, Set.of(400)));
            }
            for (var after : afters) {
                cases.add(get("after=" + after, "/accounts?after=" + after, Set.of(400)));
            }
            for (int i = 0; i < 20; i++) {
                var limit = pick(limits);
                var after = pick(afters);
                cases.add(get("limit and after", "/accounts?after=" + after + "&limit=" + limit, Set.of(400)));
            }
            return cases;
        });
    }

    @Test
    void anOddCurrencyIsABadRequestNamingIt() {
        sweep(() -> {
            var cases = new ArrayList<Case>();
            for (var currency : List.of("\"eur\"", "\"EURO\"", "\"EU\"", "\"\"", "\"E1R\"", "\"\u00C9UR\"", "\" EUR\"", "\"EUR \"",
                    "\"\u20AC\"", "\"EUR\\n\"", "\"\\u0000EU\"", "\"E U\"", "\"\uFF25\uFF35\uFF32\"", "null", "978", "[\"EUR\"]")) {
                cases.add(post("currency " + currency, "/accounts", "{\"owner\": \"A\", \"currency\": " + currency + "}", Set.of(400))
                        .withField("currency"));
            }
            return cases;
        });
    }

    @Test
    void aControlCharacterOrALoneSurrogateInTextIsABadRequestNamingIt() {
        sweep(() -> {
            // JSON string contents: escapes, and a raw DEL, which JSON lets stand unescaped
            var texts = new ArrayList<String>();
            for (int c = 0; c < 0x20; c++) {
                texts.add(String.format("a\\u%04Xb", c));
            }
            texts.addAll(List.of("a\\u007Fb", "a\u007Fb", "\\uD800", "a\\uDBFFb", "\\uDC00", "x\\uDFFF", "\\uDE00\\uD83D",
                    "\\uD83D\\uD83D\\uDE00", "\\uD83D\\uDE00\\uDE00", "ok\\uD83D"));
            var cases = new ArrayList<Case>();
            for (var text : texts) {
                var shown = "text " + printable(text);
                cases.add(post(shown, "/accounts", "{\"owner\": \"" + text + "\", \"currency\": \"EUR\"}", Set.of(400)).withField("owner"));
                cases.add(post(shown, postPath(1 + random.nextInt(2)), "{\"amount\": 1, \"reference\": \"" + text + "\"}", Set.of(400))
                        .withField("reference"));
            }
            return cases;
        });
    }

    /** Quarkus refuses all of these before the service sees them (see the class comment). */
    @Test
    void aMalformedPercentEscapeIsABadRequest() {
        sweep(() -> {
            var escapes = List.of("%ZZ", "%", "%2", "a%", "a%G1b", "%%41", "%-1");
            var cases = new ArrayList<Case>();
            for (var escape : escapes) {
                for (var get : List.of("/accounts/", "/transfers/", "/commands/")) {
                    cases.add(get("GET " + get + escape, get + escape, Set.of(400)));
                }
                cases.add(get("after=" + escape, "/accounts?after=" + escape, Set.of(400)));
                cases.add(get("limit=" + escape, "/accounts?limit=" + escape, Set.of(400)));
                cases.add(get("unknown parameter " + escape, "/accounts?x=" + escape + "&limit=5", Set.of(400)));
                cases.add(post("POST {" + escape + "}/deposits", "/accounts/" + escape + "/deposits", "{\"amount\": 1}", Set.of(400)));
                var target = random.nextInt(4);
                cases.add(post("query " + escape + " on a valid request", postPath(target) + "?x=" + escape, validBody(target), Set.of(400)));
            }
            return cases;
        });
    }

    @Test
    void aBodyOver64KiBIsTooLarge() {
        sweep(() -> {
            var cases = new ArrayList<Case>();
            for (int i = 0; i < 12; i++) {
                int size = 64 * 1024 + 1 + random.nextInt(200 * 1024);
                var target = random.nextInt(4);
                String body = switch (random.nextInt(4)) {
                    case 0 -> "{\"owner\": \"" + "a".repeat(size) + "\", \"currency\": \"EUR\"}";
                    case 1 -> " ".repeat(size) + validBody(target);
                    case 2 -> "{\"amount\": 1, \"reference\": \"" + "r".repeat(size) + "\"}";
                    default -> "[" + "1,".repeat(size / 2) + "1]";
                };
                boolean chunked = random.nextBoolean();
                var path = body.contains("owner") ? "/accounts" : postPath(target);
                cases.add(new Case((chunked ? "chunked " : "sized ") + body.length() + " bytes", "POST", path,
                        Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8), chunked,
                        // without a Content-Length, a body that is plainly wrong from its first bytes may be refused as such
                        chunked ? Set.of(400, 413) : Set.of(413), null, null));
            }
            return cases;
        });
    }

    @Test
    void aContentTypeOtherThanJsonIsUnsupported() {
        sweep(() -> {
            var types = List.of("text/plain", "application/xml", "text/xml", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/octet-stream", "application/problem+json", "text/json",
                    "application/jsonx", "application/json-patch+json", "image/png", "json", "application/",
                    "application/json/x");
            var cases = new ArrayList<Case>();
            for (var type : types) {
                var target = random.nextInt(4);
                cases.add(new Case("Content-Type " + type, "POST", postPath(target), Map.of("Content-Type", type),
                        validBody(target), Set.of(400, 415)));
            }
            return cases;
        });
    }

    @Test
    void aWrongMethodIsNotAllowed() {
        sweep(() -> {
            var paths = List.of("/accounts", "/accounts/" + account, "/accounts/" + account + "/deposits",
                    "/accounts/" + account + "/withdrawals", "/transfers", "/transfers/" + newId("t"), "/commands/" + newId("c"),
                    "/admin/digest", "/accounts?limit=5");
            var cases = new ArrayList<Case>();
            for (var path : paths) {
                for (var method : List.of("PUT", "DELETE", "PATCH")) {
                    var body = method.equals("DELETE") ? null : validBody(random.nextInt(4));
                    cases.add(new Case(method + " " + path, method, path, json(), body, Set.of(405)));
                }
            }
            for (var path : List.of("/accounts/" + account, "/transfers/" + newId("t"), "/commands/" + newId("c"), "/admin/digest")) {
                cases.add(post("POST " + path, path, "{\"amount\": 1}", Set.of(405)));
            }
            return cases;
        });
    }

    @Test
    void aBadIdempotencyKeyIsABadRequestEvenWithAValidBody() {
        sweep(() -> {
            var keys = new ArrayList<>(List.of("", " ", "k".repeat(129), "k".repeat(1_000), "cl\u00E9", "\u00A0key", "key\u00FF", "a\tb",
                    "\u00E9".repeat(20), "\u0001", "key\u0000", "a\u007Fb", "a\u001Fb", "k".repeat(64) + "\u0001" + "k".repeat(63)));
            var cases = new ArrayList<Case>();
            for (int i = 0; i < 40; i++) {
                var key = i < keys.size() ? keys.get(i) : randomBadKey();
                var target = random.nextInt(4);
                var headers = json();
                headers.put("Idempotency-Key", key);
                if (random.nextBoolean()) {
                    headers.put("Prefer", "respond-async");
                }
                var test = new Case("Idempotency-Key " + printable(key), "POST", postPath(target), headers, validBody(target),
                        Set.of(400)).withField("Idempotency-Key");
                boolean ascii = key.chars().allMatch(c -> c < 0x80);
                cases.add(ascii ? test : test.raw(random.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
            }
            return cases;
        });
    }

    @Test
    void noPreferHeaderMakesABadRequestGoThrough() {
        sweep(() -> {
            var prefers = List.of("respond-async", "RESPOND-ASYNC", "respond-async, wait=10", "wait=-1", "respond-async; x",
                    "return=representation", "handling=lenient", ",,,", ";", "=", "respond-async=" + "x".repeat(4_000),
                    "x".repeat(6_000), "respond-sync", "\u00E9");
            var cases = new ArrayList<Case>();
            for (int i = 0; i < 40; i++) {
                var target = random.nextInt(4);
                var headers = json();
                headers.put("Prefer", pick(prefers));
                var valid = validBody(target);
                var bad = switch (random.nextInt(4)) {
                    case 0 -> truncate(valid);
                    case 1 -> "{}";
                    case 2 -> valid.replaceFirst("\"amount\":\\d+", "\"amount\":0").replace("\"EUR\"", "\"eur\"");
                    default -> "null";
                };
                if (isWellFormed(bad) && bad.equals(valid)) {
                    continue;
                }
                cases.add(new Case("Prefer " + printable(headers.get("Prefer")), "POST", postPath(target), headers, bad, Set.of(400)));
            }
            return cases;
        });
    }

    // ------------------------------------------------------------------------------------------
    // Generators
    // ------------------------------------------------------------------------------------------

    private String validBody(int target) {
        return switch (target) {
            case 0 -> "{\"accountId\":\"" + newId("s") + "\",\"owner\":\"Ann\",\"currency\":\"EUR\"}";
            case 1, 2 -> "{\"amount\":" + (1 + random.nextInt(5)) + ",\"reference\":\"ref\"}";
            default -> "{\"transferId\":\"" + newId("t") + "\",\"from\":\"" + account + "\",\"to\":\"" + other + "\",\"amount\":"
                    + (1 + random.nextInt(5)) + "}";
        };
    }

    private String postPath(int target) {
        return switch (target) {
            case 0 -> "/accounts";
            case 1 -> "/accounts/" + account + "/deposits";
            case 2 -> "/accounts/" + account + "/withdrawals";
            default -> "/transfers";
        };
    }

    private String randomPostPath() {
        return postPath(random.nextInt(4));
    }

    private String truncate(String valid) {
        return valid.substring(0, random.nextInt(valid.length()));
    }

    private String mutate(String valid) {
        var chars = valid.toCharArray();
        var replacements = "{}[]:,\"\\ 0a-.eE+\u0000";
        int at = random.nextInt(chars.length);
        chars[at] = replacements.charAt(random.nextInt(replacements.length()));
        return new String(chars);
    }

    private static List<String> wrongForANumber() {
        return List.of("\"10\"", "\"ten\"", "\"\"", "1.5", "1.0", "1e3", "true", "false", "[1]", "[]", "{}", "{\"value\": 1}", "null",
                "100000000000000000000000", "-1e400", "1e400");
    }

    private static List<String> wrongForAString() {
        return List.of("1", "0", "-1", "1.5", "1e3", "true", "false", "[\"a\"]", "[]", "{}", "{\"a\": 1}", "null",
                "100000000000000000000000");
    }

    private static List<String> oddBodyIds() {
        return List.of("a".repeat(65), "", " ", "has space", "a/b", "%2F", "a%2Fb", "\u00E9t\u00E9", "\u4E2D\u6587", "a\u0000b",
                "a\nb", "a\tb", "x\u007F", "emoji\uD83D\uDE00", "a+b", "a:b", "a#b", "a?b", "a*b", "id\n", " id", "id ", ".", "..");
    }

    /** Raw (already encoded) path segments. */
    private static List<String> oddPathIds() {
        return List.of("a".repeat(65), "b".repeat(300), "has%20space", "a+b", "a/b", "a%2F", "a%2Fb", "%C3%A9t%C3%A9",
                "%E4%B8%AD", "..", ".", "a%00b", "%0A", "a%0Db", "%1F", "%7F", "a%09b", "%25", "a%3Bb", "a;b=1", "%F0%9F%98%80",
                "a%FFb", "~tilde", "a*b", "a!b", "a'b", "..;a=1", ".;a=1", "%2E%2E", ".%2e");
    }

    private String randomBadKey() {
        return switch (random.nextInt(5)) {
            case 0 -> "k".repeat(129 + random.nextInt(500));
            case 1 -> "key-" + (char) (0x80 + random.nextInt(0x80));
            case 2 -> "key\t" + random.nextInt(1000);
            case 3 -> "key" + pick(headerControlCharacters()) + random.nextInt(1000);
            default -> (char) (0xA0 + random.nextInt(0x60)) + "k".repeat(random.nextInt(10));
        };
    }

    /** Control characters that can stand inside a header value: CR and LF would end it. */
    private static List<Character> headerControlCharacters() {
        var controls = new ArrayList<Character>();
        for (char c = 0; c < 0x20; c++) {
            if (c != '\r' && c != '\n') {
                controls.add(c);
            }
        }
        controls.add('\u007F');
        return controls;
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static Map<String, String> json() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        return headers;
    }

    private static Case post(String what, String path, String body, Set<Integer> expected) {
        return new Case(what, "POST", path, json(), body, expected);
    }

    private static Case get(String what, String pathAndQuery, Set<Integer> expected) {
        return new Case(what, "GET", pathAndQuery, Map.of(), (String) null, expected);
    }

    private static boolean isWellFormed(String text) {
        try {
            JSON.readTree(text);
            return !text.isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String printable(String text) {
        return printable(text, 40);
    }

    private static String printable(String text, int max) {
        var shown = new StringBuilder();
        text.codePoints().limit(max).forEach(c -> shown.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u%04X", c)));
        return text.length() > max ? shown + "...(" + text.length() + " chars)" : shown.toString();
    }

    // ------------------------------------------------------------------------------------------
    // Sending and checking
    // ------------------------------------------------------------------------------------------

    /** Sends a batch, checks each answer, then that the topic did not grow. */
    private void sweep(Supplier<List<Case>> generator) {
        var cases = generator.get();
        long before = TopicProbe.recordCount();
        long started = System.nanoTime();
        for (var test : cases) {
            check(test);
        }
        long after = TopicProbe.recordCount();
        System.out.printf("[bad-input-sweep] %d requests sent, %d failures, %d ms%n", sent, failures.size(),
                (System.nanoTime() - started) / 1_000_000);
        assertThat(failures).as("wrong answers (seed %d); rerun with -Dsweep.seed=%d", SEED, SEED).isEmpty();
        assertThat(after).as("records on the topic after %d bad requests", cases.size()).isEqualTo(before);
    }

    private void check(Case test) {
        var shown = test.method() + " " + abbreviate(test.path()) + " [" + test.what() + "]"
                + (test.body() == null ? "" : " body=" + abbreviate(new String(test.body(), StandardCharsets.UTF_8)));
        Answer answer;
        try {
            answer = test.rawHeaders() != null ? sendRaw(test) : send(test);
        } catch (IOException e) {
            failures.add(shown + " -> no answer: " + e);
            return;
        }
        sent++;
        checkAnswer(test, shown, answer);
    }

    private Answer send(Case test) throws IOException {
        HttpRequest request;
        try {
            var builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + test.path()))
                    .timeout(Duration.ofSeconds(10));
            test.headers().forEach(builder::header);
            HttpRequest.BodyPublisher body;
            if (test.body() == null) {
                body = HttpRequest.BodyPublishers.noBody();
            } else if (test.chunked()) {
                body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(test.body()));
            } else {
                body = HttpRequest.BodyPublishers.ofByteArray(test.body());
            }
            request = builder.method(test.method(), body).build();
        } catch (IllegalArgumentException e) {
            // the JDK client refuses to send it (a control character in a header, a malformed escape in the URI)
            return sendRaw(test.raw(StandardCharsets.UTF_8));
        }
        try {
            var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** HTTP/1.1 by hand, Connection: close, header values written in the case's charset. */
    private Answer sendRaw(Case test) throws IOException {
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            var head = new ByteArrayOutputStream();
            var body = test.body() == null ? new byte[0] : test.body();
            head.writeBytes((test.method() + " " + test.path() + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (var header : test.headers().entrySet()) {
                head.writeBytes((header.getKey() + ": ").getBytes(StandardCharsets.US_ASCII));
                head.writeBytes(header.getValue().getBytes(test.rawHeaders()));
                head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            head.writeBytes(body);
            socket.getOutputStream().write(head.toByteArray());
            socket.getOutputStream().flush();
            var all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = all.indexOf("\r\n\r\n");
            var lines = all.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String type = null;
            boolean chunked = false;
            for (var line : lines) {
                var lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-type:")) {
                    type = line.substring("content-type:".length()).trim();
                }
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            var rest = all.substring(end + 4);
            if (chunked) {
                var decoded = new StringBuilder();
                int at = 0;
                while (true) {
                    int lineEnd = rest.indexOf("\r\n", at);
                    int size = Integer.parseInt(rest.substring(at, lineEnd).split(";")[0].trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    decoded.append(rest, lineEnd + 2, lineEnd + 2 + size);
                    at = lineEnd + 2 + size + 2;
                }
                rest = decoded.toString();
            }
            return new Answer(status, type, new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    private void checkAnswer(Case test, String shown, Answer response) {
        int status = response.status();
        var answer = " -> " + status + " " + (response.contentType() == null ? "(no type)" : response.contentType()) + " "
                + abbreviate(response.body());
        if (status < 400 || status >= 500) {
            failures.add(shown + answer + " (expected 4xx)");
            return;
        }
        if (!test.expected().isEmpty() && !test.expected().contains(status)) {
            failures.add(shown + answer + " (expected " + test.expected() + ")");
            return;
        }
        if (refusedBeforeTheService(test)) {
            if (status != 400 || !response.body().isEmpty()) {
                failures.add(shown + answer + " (expected the bare 400 of Quarkus or Vert.x: if the service sees this now, answer a problem)");
            }
            return;
        }
        if (response.contentType() == null || !response.contentType().startsWith("application/problem+json")) {
            failures.add(shown + answer + " (expected application/problem+json)");
            return;
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(response.body());
        } catch (IOException e) {
            failures.add(shown + answer + " (body is not JSON)");
            return;
        }
        if (problem.path("status").asInt(-1) != status || !problem.hasNonNull("type") || !problem.hasNonNull("title")
                || !problem.hasNonNull("detail")) {
            failures.add(shown + answer + " (problem status/type/title/detail do not match)");
            return;
        }
        if (test.field() != null && status == 400) {
            var named = new ArrayList<String>();
            problem.path("violations").forEach(violation -> named.add(violation.path("field").asText()));
            if (!named.contains(test.field())) {
                failures.add(shown + answer + " (violations do not name " + test.field() + ")");
            }
        }
    }

    /**
     * Quarkus parses every request URI with {@link URI} before routing and answers a bare 400 when it
     * cannot (its one switch, the system property vertx.disableURIValidation, turns the check off
     * for the whole JVM and is not meant for production: quarkusio/quarkus#37804). Vert.x's HTTP
     * decoder refuses a header value with a control character other than TAB and answers a bare 400
     * through HttpServer#invalidRequestHandler, which Quarkus does not expose.
     */
    private static boolean refusedBeforeTheService(Case test) {
        try {
            new URI(test.path());
        } catch (URISyntaxException e) {
            return true;
        }
        return test.headers().values().stream().anyMatch(value -> value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7F));
    }

    private static String abbreviate(String text) {
        return printable(text, 200);
    }
}
