package dev.ledger.group;

import dev.ledger.command.Outcomes;
import dev.ledger.config.ModeConfigSourceFactory;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Decision;
import dev.ledger.domain.Transfer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Read-your-writes on every instance: the instance that accepted a request is often not the one
 * that applies its event. The applying transaction NOTIFYs what it applied (delivered on commit),
 * and every instance LISTENs and wakes its waiting requests, with no polling.
 */
@ApplicationScoped
public class PgNotifications {

    private static final Logger LOG = Logger.getLogger(PgNotifications.class);
    private static final char COMMAND = 'c';
    private static final char TRANSFER = 't';
    private static final char SEPARATOR = '\n';
    /** PostgreSQL refuses a payload of 8,000 bytes or more. */
    private static final int MAX_PAYLOAD_BYTES = 7_900;

    private final Vertx vertx;
    private final Outcomes outcomes;
    private final Optional<String> url;
    private final Optional<String> username;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    PgNotifications(Vertx vertx, Outcomes outcomes,
                    @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
                    @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                    @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.outcomes = outcomes;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /** The payloads announcing a decision: its command's result as now stored, and its transfer once settled. */
    public static List<String> of(Decision decision, CommandResult stored) {
        var payloads = new ArrayList<String>(2);
        if (stored != null) {
            payloads.add(COMMAND + JsonColumns.write(stored));
        }
        if (decision.transfer() != null && decision.transfer().status().settled()) {
            payloads.add(TRANSFER + JsonColumns.write(decision.transfer()));
        }
        return payloads;
    }

    /**
     * The payloads of a batch, as few notifications as PostgreSQL's 8,000-byte limit allows: one
     * per line (JSON has no raw line breaks). A notification costs the database far more than its
     * bytes, so a batch of 5,000 commands sends a couple of hundred instead of 5,000.
     */
    public static List<String> packed(List<String> payloads) {
        var packed = new ArrayList<String>();
        var current = new StringBuilder();
        int currentBytes = 0;
        for (var payload : payloads) {
            int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
            if (currentBytes > 0 && currentBytes + 1 + bytes > MAX_PAYLOAD_BYTES) {
                packed.add(current.toString());
                current.setLength(0);
                currentBytes = 0;
            }
            if (currentBytes > 0) {
                current.append(SEPARATOR);
                currentBytes++;
            }
            current.append(payload);
            currentBytes += bytes;
        }
        if (currentBytes > 0) {
            packed.add(current.toString());
        }
        return packed;
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

    private void deliver(String notification) {
        for (var payload : notification.split(String.valueOf(SEPARATOR))) {
            deliverOne(payload);
        }
    }

    private void deliverOne(String payload) {
        try {
            if (payload.charAt(0) == COMMAND) {
                outcomes.commandApplied(JsonColumns.read(payload.substring(1), CommandResult.class));
            } else if (payload.charAt(0) == TRANSFER) {
                outcomes.transferSettled(JsonColumns.read(payload.substring(1), Transfer.class));
            }
        } catch (RuntimeException e) {
            LOG.warnf("Ignored an unreadable notification: %s", e.getMessage());
        }
    }

    public void stop() {
        if (subscriber != null) {
            subscriber.close().await().atMost(Duration.ofSeconds(5));
        }
    }
}
