package dev.ledger.command;

import dev.ledger.config.LedgerConfig;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.pipeline.EventPublisher;
import dev.ledger.pipeline.LedgerQueries;
import dev.ledger.pipeline.StalledPartitions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a client's command into an event on the topic and waits, up to the command timeout, for
 * this instance to apply it: read-your-writes without polling.
 */
@ApplicationScoped
public class CommandGateway {

    private final EventPublisher publisher;
    private final LedgerQueries queries;
    private final Outcomes outcomes;
    private final StalledPartitions stalled;
    private final Duration timeout;

    CommandGateway(EventPublisher publisher, LedgerQueries queries, Outcomes outcomes, StalledPartitions stalled,
                   LedgerConfig config) {
        this.publisher = publisher;
        this.queries = queries;
        this.outcomes = outcomes;
        this.stalled = stalled;
        this.timeout = config.commandTimeout();
    }

    /** How a submitted command stands when the request must answer. */
    public sealed interface Reply {
    }

    /**
     * Applied or rejected; for a command seen before, the result of its first application.
     *
     * @param seenBefore whether the result was found rather than decided for this request: what it
     *                   started (a transfer's settlement) may have gone on before the request came
     */
    public record Decided(CommandResult result, boolean seenBefore) implements Reply {
    }

    /** Durably on the topic, not applied yet (asked to respond asynchronously, or the timeout passed). */
    public record Accepted(String commandId) implements Reply {
    }

    /**
     * Publishes the event unless a command with its Idempotency-Key was already applied (a retry,
     * or a reuse the caller must refuse), then waits for the outcome unless {@code respondAsync}.
     */
    public Uni<Reply> submit(LedgerEvent event, boolean respondAsync) {
        return submit(event, respondAsync, Uni.createFrom().item(Optional.empty()));
    }

    /**
     * As {@link #submit(LedgerEvent, boolean)}, but first asks {@code refusal} whether this
     * instance's state already rules the command out; a refused command writes nothing.
     */
    public Uni<Reply> submit(LedgerEvent event, boolean respondAsync, Uni<Optional<Rejection>> refusal) {
        if (stalled.holdsBack(event.accountId())) {
            return Uni.createFrom().failure(new PartitionStalledException(event.accountId()));
        }
        var deadline = Instant.now().plus(timeout);
        var seenBefore = event.idempotencyKey() == null
                ? Uni.createFrom().item(Optional.<CommandResult>empty())
                : queries.findByIdempotencyKey(event.idempotencyKey());
        return seenBefore.flatMap(earlier -> earlier.isPresent()
                ? Uni.createFrom().item(new Decided(earlier.get(), true))
                : refusal.flatMap(refused -> refused.isPresent()
                        ? Uni.createFrom().item(new Decided(CommandResult.of(event, refused.get(), null, null), false))
                        : publishAndWait(event, respondAsync, deadline)));
    }

    private Uni<Reply> publishAndWait(LedgerEvent event, boolean respondAsync, Instant deadline) {
        if (respondAsync) {
            return publish(event).map(published -> new Accepted(event.commandId()));
        }
        var waiter = outcomes.commands().register(event.commandId());
        return publish(event)
                .onFailure().invoke(waiter::cancel)
                .flatMap(published -> waiter.await(Duration.between(Instant.now(), deadline)))
                .map(result -> result == null ? new Accepted(event.commandId()) : new Decided(result, false));
    }

    /** Marks the command in flight first: the consumer may apply it before the broker's ack arrives here. */
    private Uni<Void> publish(LedgerEvent event) {
        outcomes.inFlight(event.commandId(), true);
        return publisher.publish(event)
                .ifNoItem().after(timeout).failWith(() -> new PublishTimeoutException(timeout))
                .onFailure().invoke(() -> outcomes.inFlight(event.commandId(), false));
    }

    /**
     * Starts waiting for a transfer to settle, before its request is submitted: then no settlement
     * of the transfer that request starts can come first and be missed, and nothing needs to be read
     * to catch one that did (a look-up per transfer, a database round trip in group mode, on the
     * request's path). Only a retry that finds an earlier attempt's result reads first.
     *
     * @param requestStarted the command timeout counts from it
     */
    public Settlement settlementOf(String transferId, String from, Instant requestStarted) {
        return new Settlement(outcomes.settledTransfers().register(Outcomes.settledKey(transferId, from)), transferId, from,
                requestStarted.plus(timeout));
    }

    /** A transfer's settlement, waited for since {@link #settlementOf}. */
    public final class Settlement {
        private final Waiters.Waiter<Transfer> waiter;
        private final String transferId;
        private final String from;
        private final Instant deadline;

        private Settlement(Waiters.Waiter<Transfer> waiter, String transferId, String from, Instant deadline) {
            this.waiter = waiter;
            this.transferId = transferId;
            this.from = from;
            this.deadline = deadline;
        }

        /**
         * The transfer once settled; as it then stands (still PENDING) if the command timeout passes
         * first.
         *
         * @param mayHaveSettled whether it may have settled before this waiter was registered (its
         *                       request found an earlier attempt's result): then it is read first
         */
        public Uni<Optional<Transfer>> await(boolean mayHaveSettled) {
            if (!mayHaveSettled) {
                return awaitThenRead();
            }
            return queries.findTransfer(transferId, from).flatMap(now -> now.isEmpty() || now.get().status().settled()
                    ? Uni.createFrom().item(now)
                    : awaitThenRead());
        }

        private Uni<Optional<Transfer>> awaitThenRead() {
            return waiter.await(Duration.between(Instant.now(), deadline)).flatMap(settled -> settled != null
                    ? Uni.createFrom().item(Optional.of(settled))
                    : queries.findTransfer(transferId, from));
        }

        /** No longer waited for (nothing to wait for, or the request ended); harmless once settled. */
        public void cancel() {
            waiter.cancel();
        }
    }

    /** The account's partition is held back at a record this instance cannot apply: nothing was written. */
    public static final class PartitionStalledException extends RuntimeException {
        PartitionStalledException(String accountId) {
            super("the partition of account " + accountId + " is stalled at a record this instance cannot apply", null, false, false);
        }
    }

    /** The event could not be written to Kafka within the command timeout; nothing is acknowledged. */
    public static final class PublishTimeoutException extends RuntimeException {
        PublishTimeoutException(Duration timeout) {
            super("the event could not be written to Kafka within " + timeout.toMillis() + " ms", null, false, false);
        }
    }
}
