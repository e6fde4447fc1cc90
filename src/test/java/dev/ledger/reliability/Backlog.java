package dev.ledger.reliability;

import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.pipeline.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Events a service would have written, for a topic no instance has read yet: accounts opened with
 * a deposit each, then deposits and, one event in five, transfers between them (their follow-ups
 * are left to the instances that apply them). Seeded, so every run writes the same.
 */
final class Backlog {

    private static final EventCodec CODEC = new EventCodec();

    private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    private long deposited;
    private long transfers;

    Backlog(String topic, int accounts, int operations) {
        var random = new Random(7);
        var ids = new ArrayList<String>();
        for (int i = 0; i < accounts; i++) {
            var id = "backlog-%05d".formatted(i);
            ids.add(id);
            add(topic, id, new Payload.AccountOpenRequested("Backlog", "EUR"));
            add(topic, id, new Payload.DepositRequested(1_000_000, null));
            deposited += 1_000_000;
        }
        for (int i = 0; i < operations; i++) {
            var from = ids.get(random.nextInt(accounts));
            long amount = 1 + random.nextInt(1_000);
            if (random.nextInt(5) == 0) {
                var to = ids.get(random.nextInt(accounts));
                if (!to.equals(from)) {
                    add(topic, from, new Payload.TransferRequested("backlog-t-" + i, to, amount));
                    transfers++;
                    continue;
                }
            }
            add(topic, from, new Payload.DepositRequested(amount, null));
            deposited += amount;
        }
    }

    private void add(String topic, String accountId, Payload payload) {
        var event = new LedgerEvent(UUID.randomUUID().toString(), accountId, UUID.randomUUID().toString(), Instant.now(), null, null,
                payload);
        records.add(new ProducerRecord<>(topic, accountId, CODEC.encode(event)));
    }

    List<ProducerRecord<String, byte[]>> records() {
        return records;
    }

    /** The sum of every balance once everything is applied: transfers only move money. */
    long deposited() {
        return deposited;
    }

    long transfers() {
        return transfers;
    }
}
