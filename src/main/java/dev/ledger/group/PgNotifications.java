package dev.ledger.group;

import dev.ledger.command.Outcomes;
import dev.ledger.config.ModeConfigSourceFactory;
import dev.ledger.domain.Decision;
import dev.ledger.group.BatchState.TransferKey;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Read-your-writes on every instance: the instance that accepted a request is often not the one
 * that applies its event. The applying transaction NOTIFYs the ids of what it applied (delivered on
 * commit), and every instance LISTENs; one with a request waiting for an id reads its row and wakes
 * the request, with no polling. Ids, not results: every instance receives every notification, and
 * parsing a result it does not wait for cost each instance more CPU than the applying did.
 *
 * <p>An instance skips what its own consumers announce (each notification names the waiters its
 * consumer woke, {@link Outcomes#id()}): they wake its requests themselves, right after the commit.
 * Reading those rows again cost a pooled query for most mutations, since the notification often
 * arrives before the consumer's own wake-up.
 */
@ApplicationScoped
public class PgNotifications {

    private static final Logger LOG = Logger.getLogger(PgNotifications.class);
    private static final char COMMAND = 'c';
    private static final char TRANSFER = 't';
    private static final char SEPARATOR = '\n';
    /** Between a transfer's sender and its id: account ids hold no space. */
    private static final char KEY_SEPARATOR = ' ';
    /** PostgreSQL refuses a payload of 8,000 bytes or more. */
    private static final int MAX_PAYLOAD_BYTES = 7_900;
    private static final char SENDER = 's';

    private final Vertx vertx;
    private final Outcomes outcomes;
    private final PgBatchStore store;
    private final Optional<String> url;
    private final Optional<String> username;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    PgNotifications(Vertx vertx, Outcomes outcomes, PgBatchStore store,
                    @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
                    @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                    @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.outcomes = outcomes;
        this.store = store;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /**
     * The payloads announcing a decision: its command's id, and its transfer's sender and id once
     * settled. Only ids: an instance with a request waiting for one reads the row, and the others
     * ignore it. Sent even when the request waits here, which wakes it itself: a retry with the same
     * Idempotency-Key, taken by another instance, waits for the same command id.
     */
    public static List<String> of(Decision decision) {
        var payloads = new ArrayList<String>(2);
        if (!decision.isFollowUp()) {
            payloads.add(COMMAND + decision.event().commandId());
        }
        var transfer = decision.transfer();
        if (transfer != null && transfer.status().settled()) {
            payloads.add(TRANSFER + transfer.from() + KEY_SEPARATOR + transfer.transferId());
        }
        return payloads;
    }

    /**
     * The payloads of a batch, as few notifications as PostgreSQL's 8,000-byte limit allows: one
     * per line (JSON has no raw line breaks), after a line naming the waiters the applying consumer
     * wakes itself. A notification costs the database far more than its bytes, so a batch of 5,000
     * commands sends a couple of hundred instead of 5,000.
     */
    public static List<String> packed(Outcomes wokenThere, List<String> payloads) {
        var packed = new ArrayList<String>();
        var sender = SENDER + wokenThere.id();
        var current = new StringBuilder(sender);
        int senderBytes = sender.length();
        int currentBytes = senderBytes;
        for (var payload : payloads) {
            int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
            if (currentBytes > senderBytes && currentBytes + 1 + bytes > MAX_PAYLOAD_BYTES) {
                packed.add(current.toString());
                current.setLength(senderBytes);
                currentBytes = senderBytes;
            }
            current.append(SEPARATOR).append(payload);
            currentBytes += 1 + bytes;
        }
        if (currentBytes > senderBytes) {
            packed.add(current.toString());
        }
        return packed;
    }

    /** Whether the consumer that applied what the notification names woke other waiters than {@code here}. */
    static boolean fromElsewhere(String notification, Outcomes here) {
        return !notification.startsWith(SENDER + here.id() + SEPARATOR);
    }

    public void start() {
        // Optional, so that replay mode, which has no datasource, still starts; group mode requires it.
        var options = PgConnectOptions.fromUri(ModeConfigSourceFactory.firstServer(url.orElseThrow(() -> new IllegalStateException(
                "Group mode needs QUARKUS_DATASOURCE_REACTIVE_URL"))));
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> Duration.ofSeconds(1).toMillis());
        subscriber.channel(PgBatchStore.CHANNEL).handler(this::deliver);
        subscriber.connect().await().atMost(Duration.ofSeconds(30));
    }

    /** Reads the rows of the commands and transfers that requests on this instance wait for, and wakes them. */
    private void deliver(String notification) {
        if (!fromElsewhere(notification, outcomes)) {
            return;
        }
        var commands = new HashSet<String>();
        var transfers = new HashSet<TransferKey>();
        for (var payload : notification.split(String.valueOf(SEPARATOR))) {
            if (payload.length() < 2) {
                continue;
            }
            var id = payload.substring(1);
            if (payload.charAt(0) == COMMAND && outcomes.awaited(id)) {
                commands.add(id);
            } else if (payload.charAt(0) == TRANSFER) {
                int split = id.indexOf(KEY_SEPARATOR);
                var key = new TransferKey(id.substring(split + 1), id.substring(0, split));
                if (split > 0 && outcomes.awaitsSettlement(key.transferId(), key.from())) {
                    transfers.add(key);
                }
            }
        }
        if (!commands.isEmpty()) {
            store.commands(commands).subscribe().with(results -> results.forEach(outcomes::commandApplied),
                    failure -> LOG.warnf("Cannot read commands applied elsewhere; their requests will answer 202: %s", failure.getMessage()));
        }
        if (!transfers.isEmpty()) {
            store.transfers(transfers).subscribe().with(settled -> settled.forEach(outcomes::transferSettled),
                    failure -> LOG.warnf("Cannot read transfers settled elsewhere; their requests will answer 202: %s", failure.getMessage()));
        }
    }

    public void stop() {
        if (subscriber != null) {
            subscriber.close().await().atMost(Duration.ofSeconds(5));
        }
    }
}
