package dev.ledger.command;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Requests waiting for something the consumer will apply. The consumer completes a key once it
 * has written the state, so a waiter that wakes reads its own write.
 */
public final class Waiters<T> {

    /** Mutiny wants a positive timeout; an exhausted deadline still gets one look. */
    private static final Duration MINIMUM = Duration.ofMillis(1);

    private final ConcurrentMap<String, List<CompletableFuture<T>>> waiting = new ConcurrentHashMap<>();

    /** Start waiting before the event can be applied, or the completion may come first and be missed. */
    public Waiter<T> register(String key) {
        var future = new CompletableFuture<T>();
        waiting.compute(key, (k, list) -> {
            var futures = list == null ? new ArrayList<CompletableFuture<T>>(1) : list;
            futures.add(future);
            return futures;
        });
        return new Waiter<>(this, key, future);
    }

    public boolean waiting(String key) {
        // A rebuilding replay asks for every event while nothing waits: no look-up, no hashing of the key then.
        return !waiting.isEmpty() && waiting.containsKey(key);
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    public void complete(String key, T value) {
        var futures = waiting.remove(key);
        if (futures != null) {
            futures.forEach(future -> future.complete(value));
        }
    }

    private void cancel(String key, CompletableFuture<T> future) {
        waiting.computeIfPresent(key, (k, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }

    public record Waiter<T>(Waiters<T> owner, String key, CompletableFuture<T> future) {

        /**
         * The value, or null when {@code timeout} passes first. It arrives on the caller's Vert.x
         * context, not on the consumer or notification thread that completed it: the request goes on
         * where it started, and the consumer is not held up answering it.
         */
        public Uni<T> await(Duration timeout) {
            var caller = Vertx.currentContext();
            var value = Uni.createFrom().completionStage(future)
                    .ifNoItem().after(timeout.compareTo(MINIMUM) < 0 ? MINIMUM : timeout).recoverWithItem((T) null)
                    .onTermination().invoke(this::cancel);
            return caller == null ? value : value.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        }

        public void cancel() {
            owner.cancel(key, future);
        }
    }
}
