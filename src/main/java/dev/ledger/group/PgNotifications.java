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

    private void deliver(String payload) {
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
