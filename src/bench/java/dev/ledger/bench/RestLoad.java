package dev.ledger.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * An open-model load generator: requests leave at a constant rate whatever the answers do, and each
 * latency is measured from the moment its request was due, not from when it could be sent, so that a
 * slow server cannot hide its queueing (no coordinated omission).
 */
final class RestLoad implements AutoCloseable {

    /** One request: what it does (its latencies are also kept apart by this), method, path and JSON body (null for none). */
    record Call(String operation, HttpMethod method, String path, String body) {
    }

    /**
     * What a run measured; latencies in microseconds.
     *
     * @param answered requests answered below 500: a 409 for insufficient funds is a mutation applied as rejected
     * @param failed 5xx answers, errors and requests unanswered a minute after the last was sent
     * @param latenciesByOperation the same latencies, apart by {@link Call#operation()}: {@code latencies} is their sum
     */
    record Result(long sent, long answered, long failed, double seconds, Histogram latencies, Map<String, Histogram> latenciesByOperation) {
        double answeredPerSecond() {
            return answered / seconds;
        }

        double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1000.0;
        }

        /** Each operation's p50 and p99, and its share of the requests: where the tail of {@link #latencies} comes from. */
        String byOperation() {
            return latenciesByOperation.entrySet().stream().map(operation -> String.format(Locale.ROOT, "%s (%.0f %%) p50 %.2f p99 %.2f ms",
                            operation.getKey(), 100.0 * operation.getValue().getTotalCount() / latencies.getTotalCount(),
                            operation.getValue().getValueAtPercentile(50) / 1000.0, operation.getValue().getValueAtPercentile(99) / 1000.0))
                    .collect(Collectors.joining("; "));
        }
    }

    /** Latencies are recorded in microseconds up to a minute, to three significant digits. */
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;

    RestLoad(String base) {
        var uri = URI.create(base);
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort())
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
    }

    /** Sends {@code calls} at {@code rate} per second for {@code duration} and waits for the last answers. */
    Result run(Supplier<Call> calls, int rate, Duration duration) {
        var byOperation = new TreeMap<String, Histogram>();
        var answered = new AtomicLong();
        var failed = new AtomicLong();
        long total = rate * duration.toSeconds();
        var done = new CountDownLatch((int) total);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            var call = calls.get();
            var options = new RequestOptions().setMethod(call.method()).setURI(call.path())
                    .putHeader("Content-Type", "application/json");
            client.request(options)
                    .compose(request -> call.body() == null ? request.send() : request.send(Buffer.buffer(call.body())))
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(answer -> {
                        long micros = (System.nanoTime() - due) / 1000;
                        synchronized (byOperation) {
                            byOperation.computeIfAbsent(call.operation(), operation -> new Histogram(HIGHEST_MICROS, 3))
                                    .recordValue(Math.min(micros, HIGHEST_MICROS));
                        }
                        if (answer.succeeded() && answer.result() < 500) {
                            answered.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        done.countDown();
                    });
        }
        try {
            done.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        synchronized (byOperation) {
            var latencies = new Histogram(HIGHEST_MICROS, 3);
            var operations = new TreeMap<String, Histogram>();
            byOperation.forEach((operation, histogram) -> {
                latencies.add(histogram);
                operations.put(operation, histogram.copy());
            });
            return new Result(total, answered.get(), failed.get() + done.getCount(), seconds, latencies, operations);
        }
    }

    /** The mutations of the REST scenario: deposits, withdrawals and transfers between existing accounts. */
    static Supplier<Call> mutations(long accounts, long seed) {
        var random = new SplittableRandom(seed);
        return () -> {
            var account = EventGenerator.accountId(random.nextLong(accounts));
            int kind = random.nextInt(10);
            if (kind < 6) {
                return new Call("deposit", HttpMethod.POST, "/accounts/" + account + "/deposits", "{\"amount\":" + (1 + random.nextInt(10_000)) + "}");
            }
            if (kind < 8) {
                return new Call("withdrawal", HttpMethod.POST, "/accounts/" + account + "/withdrawals", "{\"amount\":" + (1 + random.nextInt(100)) + "}");
            }
            var to = EventGenerator.accountId(random.nextLong(accounts));
            return new Call("transfer", HttpMethod.POST, "/transfers", "{\"from\":\"" + account + "\",\"to\":\"" + to + "\",\"amount\":"
                    + (1 + random.nextInt(100)) + "}");
        };
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
