package dev.ledger.reliability;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.reliability.LedgerHttp.Answer;

/**
 * Concurrent clients sending deposits, withdrawals and transfers, each with its own Idempotency-Key.
 * A client that does not get an operation's outcome (no answer, 503, or 202 before the outcome)
 * sends it again with the same key and body to the next instance, until it gets one. Each outcome
 * goes into the {@link ExpectedLedger}.
 */
final class LoadDriver {

    /** How long one operation may go without an outcome before the suite calls it lost. */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(120);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

    private final List<LedgerHttp> instances;
    private final ExpectedLedger model;
    private final List<String> accountIds;
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final Queue<String> unresolved = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    private ExecutorService clients;

    /** One operation: what to send, and what its answer means (true once the outcome is known). */
    private record Operation(String description, String path, Map<String, Object> body, Predicate<Answer> outcome) {
    }

    LoadDriver(List<LedgerHttp> instances, ExpectedLedger model, List<String> accountIds) {
        this.instances = List.copyOf(instances);
        this.model = model;
        this.accountIds = List.copyOf(accountIds);
    }

    /** Opens the accounts and gives each {@code initialDeposit}. */
    void openAccounts(long initialDeposit) {
        for (String id : accountIds) {
            execute(new Operation("open " + id, "/accounts", Map.of("accountId", id, "owner", "Owner " + id, "currency", "EUR"),
                    answer -> answer.status() == 201 && run(() -> model.opened(id))), 0);
            execute(deposit(id, initialDeposit), 0);
        }
    }

    /** Starts {@code count} clients, client i preferring instance i modulo the number of instances. */
    void start(int count) {
        running = true;
        clients = Executors.newFixedThreadPool(count);
        for (int i = 0; i < count; i++) {
            int client = i;
            clients.submit(() -> {
                var random = new Random(client * 7919L + System.nanoTime());
                while (running) {
                    execute(randomOperation(random), client);
                }
            });
        }
    }

    /** Stops the clients once each has the outcome of the operation it is on; nothing to do when none run. */
    void stop() throws InterruptedException {
        running = false;
        if (clients == null) {
            return;
        }
        clients.shutdown();
        if (!clients.awaitTermination(GIVE_UP_AFTER.toSeconds() + 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Clients still waiting for outcomes");
        }
        clients = null;
    }

    long operations() {
        return operations.get();
    }

    long retries() {
        return retries.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /** Answers no correct service gives (a 500, a 422 for a faithful retry, ...). */
    List<String> unexpectedAnswers() {
        return new ArrayList<>(unexpected);
    }

    /** Operations whose outcome no retry could learn. */
    List<String> unresolved() {
        return new ArrayList<>(unresolved);
    }

    private Operation randomOperation(Random random) {
        String account = accountIds.get(random.nextInt(accountIds.size()));
        int kind = random.nextInt(10);
        if (kind < 4) {
            return deposit(account, 1 + random.nextInt(1000));
        }
        if (kind < 6) {
            long amount = 1 + random.nextInt(1500);
            return new Operation("withdraw %d from %s".formatted(amount, account), "/accounts/" + account + "/withdrawals",
                    Map.of("amount", amount), answer -> switch (answer.status()) {
                        case 200 -> run(() -> model.withdrew(account, amount));
                        case 409 -> problem(answer, "insufficient-funds");
                        default -> false;
                    });
        }
        String to = accountIds.get(random.nextInt(accountIds.size()));
        if (to.equals(account)) {
            to = accountIds.get((accountIds.indexOf(account) + 1) % accountIds.size());
        }
        return transfer(account, to, 1 + random.nextInt(1500));
    }

    private Operation deposit(String account, long amount) {
        return new Operation("deposit %d to %s".formatted(amount, account), "/accounts/" + account + "/deposits",
                Map.of("amount", amount), answer -> answer.status() == 200 && run(() -> model.deposited(account, amount)));
    }

    private Operation transfer(String from, String to, long amount) {
        return new Operation("transfer %d from %s to %s".formatted(amount, from, to), "/transfers",
                Map.of("from", from, "to", to, "amount", amount), answer -> {
                    JsonNode body = answer.body();
                    // A 202 naming a transfer: the debit is applied, the credit follows. Naming a command: not yet known.
                    if ((answer.status() != 201 && answer.status() != 202) || !body.has("transferId")) {
                        return false;
                    }
                    String transferId = body.get("transferId").asText();
                    return switch (body.get("status").asText()) {
                        case "COMPLETED", "PENDING" -> run(() -> model.transferred(transferId, from, to, amount));
                        case "REJECTED" -> run(() -> model.transferRejected(transferId));
                        default -> false;
                    };
                });
    }

    /**
     * Sends {@code operation} until its outcome is known, moving to the next instance after each
     * attempt without one.
     */
    private void execute(Operation operation, int preferredInstance) {
        operations.incrementAndGet();
        String key = UUID.randomUUID().toString();
        var giveUpAt = Instant.now().plus(GIVE_UP_AFTER);
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                retries.incrementAndGet();
                pause();
            }
            var instance = instances.get((preferredInstance + attempt) % instances.size());
            try {
                var answer = instance.post(operation.path(), key, operation.body(), false);
                if (operation.outcome().test(answer)) {
                    acknowledged.incrementAndGet();
                    return;
                }
                if (answer.status() != 202 && answer.status() != 503) {
                    unexpected.add("%s (key %s) on %s: %d %s".formatted(operation.description(), key, instance, answer.status(), answer.body()));
                    if (answer.status() < 500) {
                        return;
                    }
                }
            } catch (IOException noAnswer) {
                // The instance is down or did not answer: the outcome is unknown, send it again.
            }
            if (Instant.now().isAfter(giveUpAt)) {
                unresolved.add(operation.description() + " (key " + key + ")");
                return;
            }
        }
    }

    private static boolean problem(Answer answer, String type) {
        return answer.body().path("type").asText().equals("urn:ledger:problem:" + type);
    }

    private static boolean run(Runnable update) {
        update.run();
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
