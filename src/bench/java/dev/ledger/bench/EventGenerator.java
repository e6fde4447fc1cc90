package dev.ledger.bench;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.ledger.domain.Ledger;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerView;
import dev.ledger.domain.LedgerWriter;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes synthetic events in the service's own format ({@link EventCodec}) straight to a topic, as
 * fast as the producer allows: first one {@code AccountOpenRequested} per account, then a mix of
 * deposits, withdrawals and transfers, each transfer followed by the follow-ups the service would
 * have published (its credit, and a refund when the receiver does not exist). Every event is run
 * through {@link Ledger#apply} on the generator's own state, so the follow-ups are the ones the rules
 * decide and withdrawals beyond the balance are rejected on replay just as they were here.
 *
 * <p>Run on its own: {@code Bench generate <bootstrap> <topic> <events> <accounts>} (see BENCHMARKS.md).
 */
public final class EventGenerator {

    public static final int PARTITIONS = 6;
    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP"};

    /**
     * The requests after the openings: {@code transferPercent} of them transfers, the rest deposits
     * and withdrawals 45 to 25; with {@code followUps}, each transfer followed by the follow-ups the
     * service would publish (a topic as it looks once settled), without, a backlog the service must
     * still complete.
     */
    public record Mix(int transferPercent, boolean followUps) {
        /** The generator's usual mix: 30 % transfers, follow-ups written. */
        public static final Mix SETTLED = new Mix(30, true);
    }

    /**
     * What a run wrote: the events and the end offsets they left, per partition, how many were
     * transfers, and how many follow-ups the rules decided for them (a credit per transfer debited,
     * and a refund per credit refused: another currency, or no such account), written or not.
     */
    public record Written(long events, long accounts, Map<Integer, Long> endOffsets, double seconds, long transfers,
                          long followUps) {
        public double perSecond() {
            return events / seconds;
        }
    }

    private final EventCodec codec = new EventCodec();
    private final SplittableRandom random;
    private final TimeBasedEpochGenerator timeOrdered = Generators.timeBasedEpochGenerator();
    private final Mix mix;
    // Only the accounts are kept: commands, transfers and applied follow-ups are unique per event here,
    // and keeping millions of them would only cost the generator memory.
    private final AccountsOnly state = new AccountsOnly();
    private long sequence;
    private long transfers;
    private long followUps;

    public EventGenerator(long seed, Mix mix) {
        this.random = new SplittableRandom(seed);
        this.mix = mix;
    }

    /** Creates {@code topic} as the service would (6 partitions, unlimited retention) and fills it. */
    public static Written fill(String bootstrap, String topic, long events, long accounts) {
        return fill(bootstrap, topic, events, accounts, Mix.SETTLED);
    }

    public static Written fill(String bootstrap, String topic, long events, long accounts, Mix mix) {
        createTopic(bootstrap, topic);
        return new EventGenerator(42, mix).write(bootstrap, topic, events, accounts);
    }

    /** Creates the topic and waits until every partition has a leader, so that no first batch waits for one. */
    public static void createTopic(String bootstrap, String topic) {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1).configs(Map.of(
                    "retention.ms", "-1", "retention.bytes", "-1", "cleanup.policy", "delete")))).all().get();
            for (int attempt = 0; attempt < 600; attempt++) {
                if (led(admin, topic)) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("Topic " + topic + " has partitions without a leader after 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + topic, e);
        }
    }

    /**
     * Whether every partition of the new topic has a leader. A broker that has just created it may
     * still answer that it does not know it: not yet, rather than a failure.
     */
    private static boolean led(Admin admin, String topic) throws InterruptedException, ExecutionException {
        try {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            return partitions.size() == PARTITIONS && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /** The generator's producer: idempotent, large batches. */
    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024,
                // A broker sharing a loaded machine with the harness may stall for a while: wait, rather than fail the run.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Writes {@code events} events (a follow-up may add one or two more) over {@code accounts} accounts. */
    public Written write(String bootstrap, String topic, long events, long accounts) {
        long began = System.nanoTime();
        var failure = new AtomicReference<Exception>();
        long written = 0;
        try (var producer = producer(bootstrap)) {
            producer.partitionsFor(topic);
            Sink sink = (key, value) -> producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            long opened = Math.min(accounts, events);
            for (long i = 0; i < opened; i++) {
                written += send(sink, open(accountId(i)));
            }
            while (written < events) {
                written += send(sink, nextRequest(opened));
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("The producer failed", failure.get());
            }
            var ends = Offsets.end(bootstrap, topic);
            return new Written(written, opened, ends, (System.nanoTime() - began) / 1e9, transfers, followUps);
        }
    }

    /**
     * The next {@code events} requests (a follow-up may add one or two more) on the {@code accounts}
     * this generator opened with {@link #write}, encoded ahead: sent later as one burst, they reach a
     * topic faster than deciding them here would let them.
     */
    public List<ProducerRecord<String, byte[]>> encodeRequests(String topic, long events, long accounts) {
        var records = new ArrayList<ProducerRecord<String, byte[]>>();
        while (records.size() < events) {
            send((key, value) -> records.add(new ProducerRecord<>(topic, key, value)), nextRequest(accounts));
        }
        return records;
    }

    /** Where {@link #send} puts an encoded event: its key and value. */
    @FunctionalInterface
    private interface Sink {
        void accept(String key, byte[] value);
    }

    /** Applies the event and its follow-ups as the service would, and sends them all; returns how many. */
    private int send(Sink sink, LedgerEvent event) {
        var decision = Ledger.apply(state, event);
        decision.writeTo(state);
        sink.accept(event.accountId(), codec.encode(event));
        int sent = 1;
        for (var followUp : decision.followUps()) {
            followUps++;
            if (mix.followUps()) {
                sent += send(sink, followUp);
            } else {
                // Decided, not applied: the service applies the backlog's requests before their credits, as
                // this state does. A refused credit's refund is the one follow-up a follow-up decides.
                followUps += Ledger.apply(state, followUp).followUps().size();
            }
        }
        return sent;
    }

    private LedgerEvent nextRequest(long accounts) {
        var account = accountId(random.nextLong(accounts));
        int kind = random.nextInt(100);
        int nonTransfers = 100 - mix.transferPercent();
        if (kind < nonTransfers * 45 / 70) {
            return event(account, new Payload.DepositRequested(1 + random.nextLong(100_000), random.nextInt(4) == 0 ? "salary" : null));
        }
        if (kind < nonTransfers) {
            // Sized so that a few are rejected for insufficient funds, as in real traffic.
            return event(account, new Payload.WithdrawalRequested(1 + random.nextLong(40_000), null));
        }
        // 1 in 100 transfers goes to an account that does not exist: its credit fails and a refund follows.
        var to = kind < 99 || random.nextInt(3) > 0 ? accountId(random.nextLong(accounts)) : "closed-" + sequence;
        if (to.equals(account)) {
            to = accountId((Long.parseLong(account.substring(4)) + 1) % accounts);
        }
        transfers++;
        return event(account, new Payload.TransferRequested("t-" + uuid(), to, 1 + random.nextLong(20_000)));
    }

    private LedgerEvent open(String account) {
        return event(account, new Payload.AccountOpenRequested("Owner " + account, CURRENCIES[random.nextInt(CURRENCIES.length)]));
    }

    /** One client request in five carried an Idempotency-Key, so its event has the key and request hash. */
    private LedgerEvent event(String account, Payload payload) {
        sequence++;
        boolean keyed = random.nextInt(5) == 0;
        byte[] hash = new byte[32];
        if (keyed) {
            random.nextBytes(hash);
        }
        // As the service names commands: from the key when there is one, else time-ordered (CommandRequests).
        return new LedgerEvent(uuid(), account, keyed ? uuid() : timeOrdered.generate().toString(), Instant.now(), keyed ? uuid() : null,
                keyed ? HexFormat.of().formatHex(hash) : null, payload);
    }

    static String accountId(long n) {
        return "acc-%07d".formatted(n);
    }

    private String uuid() {
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
    }

    /** The generator's state: the accounts, and nothing the rules would find again (every id is new). */
    private static final class AccountsOnly implements LedgerView, LedgerWriter {

        private final Map<String, Account> accounts = new HashMap<>();

        @Override
        public Optional<Account> account(String accountId) {
            return Optional.ofNullable(accounts.get(accountId));
        }

        @Override
        public Optional<Transfer> transfer(String transferId, String from) {
            return Optional.empty();
        }

        @Override
        public Optional<CommandResult> command(String accountId, String commandId) {
            return Optional.empty();
        }

        @Override
        public boolean followUpApplied(String eventId) {
            return false;
        }

        @Override
        public void putAccount(Account account) {
            accounts.put(account.accountId(), account);
        }

        @Override
        public void putTransfer(Transfer transfer) {
        }

        @Override
        public void putCommand(CommandResult command) {
        }

        @Override
        public void markFollowUpApplied(String eventId) {
        }
    }
}
