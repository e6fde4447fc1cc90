package dev.ledger.group;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.IdempotencyRetention;
import dev.ledger.domain.LedgerView;
import dev.ledger.domain.LedgerWriter;
import dev.ledger.domain.Transfer;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One consumed batch's view of PostgreSQL: the rows its events read, loaded up front in a few
 * queries, with the batch's own changes laid over them so that later events see earlier ones.
 * What changed is written back in one transaction.
 *
 * <p>Idempotency records expire by event time, as in replay mode: a record is not seen once its
 * partition's newest event time, this batch's events included, is more than the retention past
 * its own; the transaction then deletes it.
 */
final class BatchState implements LedgerView, LedgerWriter {

    private final Map<String, Account> accounts;
    private final Map<TransferKey, Transfer> transfers;
    private final Map<CommandKey, Dated<CommandResult>> commands;
    private final Map<FollowUpKey, Dated<String>> appliedFollowUps;
    private final IdempotencyRetention retention;
    /** Per partition, the newest event time applied, this batch's events included. */
    final Map<Integer, Long> newestMicros;
    private int currentPartition = -1;
    private long currentMicros;

    final Map<String, Account> changedAccounts = new LinkedHashMap<>();
    /**
     * In key order: a transfer's row is written by the batches of two partitions, its debit's and
     * its credit's, maybe by two consumers at once; rows written in one order take their locks in
     * one order, so two such batches wait for each other instead of deadlocking (40P01).
     */
    final Map<TransferKey, Transfer> changedTransfers = new TreeMap<>(TransferKey.ORDER);
    final Map<CommandKey, Dated<CommandResult>> newCommands = new LinkedHashMap<>();
    final Map<FollowUpKey, Dated<String>> newlyAppliedFollowUps = new LinkedHashMap<>();

    BatchState(Map<String, Account> accounts, Map<TransferKey, Transfer> transfers, Map<CommandKey, Dated<CommandResult>> commands,
               Map<FollowUpKey, Dated<String>> appliedFollowUps, Map<Integer, Long> newestMicros, IdempotencyRetention retention) {
        this.accounts = new HashMap<>(accounts);
        this.transfers = new HashMap<>(transfers);
        this.commands = new HashMap<>(commands);
        this.appliedFollowUps = new HashMap<>(appliedFollowUps);
        this.newestMicros = new HashMap<>(newestMicros);
        this.retention = retention;
    }

    /**
     * An idempotency record with the partition and event time of the event that made it; a row
     * written before event times were kept has none ({@code partition} null) and never expires.
     */
    record Dated<T>(T value, Integer partition, Long eventMicros) {
    }

    /** Called before an event of {@code partition} is decided: its time advances the partition's newest and dates what it stores. */
    void beginEvent(int partition, Instant timestamp) {
        currentPartition = partition;
        currentMicros = IdempotencyRetention.micros(timestamp);
        newestMicros.merge(partition, currentMicros, Math::max);
    }

    /** The oldest event time kept, per partition this batch has seen: older rows are deleted with the batch. */
    Map<Integer, Long> horizons() {
        var horizons = new HashMap<Integer, Long>();
        newestMicros.forEach((partition, newest) -> horizons.put(partition, retention.horizon(newest)));
        return horizons;
    }

    private <T> Optional<T> kept(Dated<T> record) {
        if (record == null) {
            return Optional.empty();
        }
        var newest = record.partition() == null ? null : newestMicros.get(record.partition());
        return newest == null || retention.kept(record.eventMicros(), newest) ? Optional.of(record.value()) : Optional.empty();
    }

    private <T> Dated<T> dated(T value) {
        if (currentPartition < 0) {
            throw new IllegalStateException("beginEvent names the event whose changes are written");
        }
        return new Dated<>(value, currentPartition, currentMicros);
    }

    /** A transfers row's key: each sender's transfer under an id is a row of its own. */
    record TransferKey(String transferId, String from) {
        static final Comparator<TransferKey> ORDER = Comparator.comparing(TransferKey::transferId).thenComparing(TransferKey::from);

        static TransferKey of(Transfer transfer) {
            return new TransferKey(transfer.transferId(), transfer.from());
        }
    }

    /** A commands row's key: a command id is its account's own. */
    record CommandKey(String accountId, String commandId) {
        static CommandKey of(CommandResult command) {
            return new CommandKey(command.accountId(), command.commandId());
        }
    }

    /**
     * An applied_follow_ups row's key: a follow-up id is its partition's own (V9), so that whether
     * a partition applies a follow-up never depends on how far another one is.
     */
    record FollowUpKey(String eventId, int partition) {
        /** The partition of rows applied before V5, which kept none: they count on every partition. */
        static final int ANY = -1;

        static FollowUpKey of(Dated<String> applied) {
            return new FollowUpKey(applied.value(), applied.partition());
        }
    }

    @Override
    public Optional<Account> account(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    @Override
    public Optional<Transfer> transfer(String transferId, String from) {
        return Optional.ofNullable(transfers.get(new TransferKey(transferId, from)));
    }

    @Override
    public Optional<CommandResult> command(String accountId, String commandId) {
        return kept(commands.get(new CommandKey(accountId, commandId)));
    }

    @Override
    public boolean followUpApplied(String eventId) {
        return kept(appliedFollowUps.get(new FollowUpKey(eventId, currentPartition))).isPresent()
                || appliedFollowUps.containsKey(new FollowUpKey(eventId, FollowUpKey.ANY));
    }

    @Override
    public void putAccount(Account account) {
        accounts.put(account.accountId(), account);
        changedAccounts.put(account.accountId(), account);
    }

    @Override
    public void putTransfer(Transfer transfer) {
        transfers.put(TransferKey.of(transfer), transfer);
        changedTransfers.put(TransferKey.of(transfer), transfer);
    }

    @Override
    public void putCommand(CommandResult command) {
        var dated = dated(command);
        commands.put(CommandKey.of(command), dated);
        newCommands.put(CommandKey.of(command), dated);
    }

    @Override
    public void markFollowUpApplied(String eventId) {
        var dated = dated(eventId);
        appliedFollowUps.put(FollowUpKey.of(dated), dated);
        newlyAppliedFollowUps.put(FollowUpKey.of(dated), dated);
    }
}
