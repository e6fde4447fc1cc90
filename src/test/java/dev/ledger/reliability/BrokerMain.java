package dev.ledger.reliability;

import java.nio.file.Path;

import dev.ledger.embedded.EmbeddedKafka;

/**
 * The suite's Kafka broker as a process of its own: {@code BrokerMain <data dir> <port>}. It prints
 * {@value #READY} once it takes clients and shuts down in order on SIGTERM; started again on the same
 * directory and port, it keeps its topics and its address.
 */
public final class BrokerMain {

    static final String READY = "BROKER READY";

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.startOwned(Path.of(args[0]), Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-shutdown"));
        System.out.println(READY + " " + kafka.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join();
    }
}
