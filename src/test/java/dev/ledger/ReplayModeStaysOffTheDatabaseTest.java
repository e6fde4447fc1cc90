package dev.ledger;

import static dev.ledger.LedgerClient.openWith;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Replay mode keeps state in memory and must never open a database connection, even with a datasource
 * configured (say, a URL left in the environment of an instance switched from group mode): the URLs
 * here lead to a listener that counts every connection made to it.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(ReplayModeStaysOffTheDatabaseTest.CountingListener.class)
class ReplayModeStaysOffTheDatabaseTest {

    /** Connections the listener accepted, injected by it. */
    AtomicInteger databaseConnections;

    @Test
    void aReadyReplayInstanceServesRequestsWithoutConnectingToTheDatabase() {
        // Ready once caught up with the topic, which may take a moment after the start.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        openWith(10, "EUR");
        given().get("/admin/digest").then().statusCode(200).body("mode", equalTo("replay"));

        // The datasource health checks are built in; with the datasource inactive they check nothing.
        given().get("/q/health").then().statusCode(200)
                .body("checks.findAll { it.name.contains('connections health check') }.size()", equalTo(2))
                .body("checks.findAll { it.name.contains('connections health check') }.data", everyItem(nullValue()));
        assertThat(databaseConnections).hasValue(0);
    }

    /** Stands in for PostgreSQL at both datasource URLs, and only counts. */
    public static class CountingListener implements QuarkusTestResourceLifecycleManager {

        private final AtomicInteger accepted = new AtomicInteger();
        private ServerSocket socket;

        @Override
        public Map<String, String> start() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread counter = new Thread(this::count, "database-connection-counter");
            counter.setDaemon(true);
            counter.start();
            String address = "127.0.0.1:" + socket.getLocalPort() + "/ledger";
            return Map.of(
                    "quarkus.datasource.reactive.url", "postgresql://" + address,
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + address,
                    "quarkus.datasource.username", "ledger",
                    "quarkus.datasource.password", "ledger");
        }

        @Override
        public void inject(TestInjector testInjector) {
            testInjector.injectIntoFields(accepted, new TestInjector.MatchesType(AtomicInteger.class));
        }

        @Override
        public void stop() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void count() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }
    }
}
