package dev.ledger.replay;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * The body of a snapshot, format {@link #VERSION}: a compact binary stream (compressed and chunked
 * by {@link ReplaySnapshots}). Sections in a fixed order, each a run of entries, each entry after a
 * {@code true} and the section ended by {@code false}, so the writer need not count ahead:
 * partitions' newest event times, accounts, transfers, command results, applied follow-ups,
 * pending follow-ups. Strings are modified UTF-8 ({@link DataOutput#writeUTF}), which carries any
 * UTF-16 text, lone surrogates included, exactly.
 *
 * <p>Transfers and applied follow-up ids, kept by the million, are compact: accounts as their
 * index in the accounts section, transfer ids that end in a UUID as their prefix and 16 bytes,
 * recurring texts (prefixes, currencies, steps) by index ({@link Texts}), numbers as
 * variable-length integers; follow-up ids by partition and event time, each time as its distance
 * from the one before.
 *
 * <p>Command results, by far the most entries (every command within the retention), come each
 * after a tag: {@value #COMPACT} in {@link RestoredResults.Row}'s form, restored into
 * {@link RestoredResults} as they are read (ids as 16 bytes, accounts as their index in the
 * accounts section, numbers as variable-length integers, the event time as its distance from the
 * partition's newest); {@value #AS_PUT} for any other, field by field; {@value #END} ends them.
 */
final class SnapshotFormat {

    /** Raised whenever the body changes: an older or newer body is ignored, and the topic replayed. */
    static final int VERSION = 3;

    private static final int END = 0;
    private static final int COMPACT = 1;
    private static final int AS_PUT = 2;
    private static final int ACCOUNT_LEFT = 1 << 4;
    private static final int TRANSFER_LEFT = 1 << 5;
    private static final int KEYED = 1 << 6;
    private static final int REQUESTED = 1;
    private static final int WITH_CURRENCY = 1 << 1;
    private static final int WITH_REFERENCE = 1 << 2;
    private static final int REASON_SHIFT = 3;
    private static final int UUID_TEXT = 36;
    private static final Rejection[] REJECTIONS = Rejection.values();
    private static final TransferStatus[] STATUSES = TransferStatus.values();

    private SnapshotFormat() {
    }

    /** What a snapshot holds besides the positions: counted while written, for the manifest. */
    record Counts(long accounts, long transfers, long commands, long followUps, long pending, String digest) {
    }

    /** Writes the state at {@code cut}; {@code pending} are the follow-ups decided and not seen at the cut. */
    static Counts write(ReplayState state, ReplayState.Cut cut, List<PendingFollowUps.Entry> pending, DataOutput out)
            throws IOException {
        var writer = new Writer(out);
        for (var clock : cut.newestMicros.entrySet()) {
            writer.next();
            out.writeInt(clock.getKey());
            out.writeLong(clock.getValue());
        }
        writer.end();
        var digest = new StateDigest();
        var accountIndex = new AccountIndex(state, cut);
        var texts = new Texts();
        long accounts = writer.each(sink -> state.forEachAccountAtCut(cut, (account, row) -> sink.accept(() -> {
            writeAccount(out, account, texts);
            digest.add(account);
            accountIndex.add(row);
        })));
        var ids = new Ids(accountIndex, texts);
        long transfers = writer.each(sink -> state.forEachTransferAtCut(cut, transfer -> sink.accept(() -> writeCompactTransfer(out,
                transfer, ids))));
        long commands = writeCommands(state, cut, accountIndex, out);
        var followUps = new ArrayList<ReplayState.AppliedFollowUp>();
        state.forEachFollowUpAtCut(cut, followUps::add);
        // By partition and event time, as each partition's expiry queue holds them: restored in that order, each
        // joins the queue at its end instead of sifting through it.
        followUps.sort(Comparator.comparingInt(ReplayState.AppliedFollowUp::partition)
                .thenComparingLong(ReplayState.AppliedFollowUp::eventMicros));
        var previous = new long[] {-1, 0};
        writer.each(sink -> followUps.forEach(applied -> sink.accept(() -> {
            writeVarLong(out, applied.partition());
            long base = applied.partition() == previous[0] ? previous[1] : cut.newestMicros.getOrDefault(applied.partition(), 0L);
            writeVarLong(out, zigzag(applied.eventMicros() - base));
            previous[0] = applied.partition();
            previous[1] = applied.eventMicros();
            writeFollowUpId(out, applied.eventId(), ids);
        })));
        for (var entry : pending) {
            writer.next();
            out.writeInt(entry.sourcePartition());
            writeFollowUp(out, entry.event());
        }
        writer.end();
        return new Counts(accounts, transfers, commands, followUps.size(), pending.size(), digest.hex());
    }

    /**
     * Reads a body into an empty {@code state}; returns the pending follow-ups, for the consumer's own list.
     * Decoding is one thread's work; beside it, one thread puts the transfers into the state while
     * the command results are decoded, and one indexes the command results while the follow-up ids
     * are: the state is whole once this returns, or throws.
     *
     * @param expected what the snapshot's manifest counted, to size the columns
     */
    static List<PendingFollowUps.Entry> read(InputStream body, ReplayState state, Counts expected) throws IOException {
        var in = new SnapshotInput(body);
        var newest = new HashMap<Integer, Long>();
        while (in.readBoolean()) {
            int partition = in.readInt();
            long micros = in.readLong();
            newest.put(partition, micros);
            state.restoreClock(partition, micros);
        }
        var accountIds = new ArrayList<String>();
        var texts = new ArrayList<String>();
        while (in.readBoolean()) {
            var account = readAccount(in, texts);
            accountIds.add(account.accountId());
            state.putAccount(account);
        }
        var ids = new ReadIds(accountIds, texts, accountIds.stream().mapToInt(state::accountRow).toArray());
        var transfers = new ArrayList<Transfer>(capacity(expected.transfers()));
        while (in.readBoolean()) {
            transfers.add(readCompactTransfer(in, ids));
        }
        var putting = Beside.start("ledger-snapshot-transfers", () -> {
            transfers.forEach(state::putTransfer);
            return null;
        });
        Beside<RestoredResults> indexing = null;
        try {
            var compact = new RestoredResults.Builder(accountIds.toArray(String[]::new), capacity(expected.commands()));
            var row = new RestoredResults.Row();
            var prefixes = new ArrayList<String>();
            for (int tag; (tag = in.readUnsignedByte()) != END; ) {
                if (tag == COMPACT) {
                    readCompact(in, row, newest, prefixes, accountIds.size());
                    compact.add(row);
                } else if (tag == AS_PUT) {
                    var result = readCommand(in, state);
                    state.restoreCommand(result, in.readInt(), in.readLong());
                } else {
                    throw new IOException("unknown command result tag " + tag);
                }
            }
            indexing = Beside.start("ledger-snapshot-index", compact::build);
            var applied = new RestoredFollowUps.Builder(texts, capacity(expected.followUps()));
            int previousPartition = -1;
            long previousMicros = 0;
            while (in.readBoolean()) {
                int partition = (int) in.readVarLong();
                long base = partition == previousPartition ? previousMicros : newest.getOrDefault(partition, 0L);
                previousMicros = base + unzigzag(in.readVarLong());
                previousPartition = partition;
                readFollowUpId(in, ids, partition, previousMicros, applied, state);
            }
            state.restoreFollowUps(applied.build());
            var pending = new ArrayList<PendingFollowUps.Entry>();
            while (in.readBoolean()) {
                pending.add(new PendingFollowUps.Entry(in.readInt(), readFollowUp(in)));
            }
            putting.join();
            state.restoreCommands(indexing.join());
            return pending;
        } finally {
            // Done before this returns or throws, however it went: a failed restore clears the state after.
            putting.settle();
            if (indexing != null) {
                indexing.settle();
            }
        }
    }

    private static int capacity(long expected) {
        return (int) Math.min(expected, Integer.MAX_VALUE - 8);
    }

    /** Work on a thread of its own, beside the decoding thread: a restore's second core idles otherwise. */
    private static final class Beside<T> {
        private final FutureTask<T> task;

        private Beside(Callable<T> work) {
            this.task = new FutureTask<>(work);
        }

        static <T> Beside<T> start(String name, Callable<T> work) {
            var beside = new Beside<>(work);
            var thread = new Thread(beside.task, name);
            thread.setDaemon(true);
            thread.start();
            return beside;
        }

        T join() throws IOException {
            try {
                return task.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while restoring a snapshot");
            }
        }

        /** Waits for the work to end, whatever its outcome, which {@link #join} reports. */
        void settle() {
            boolean interrupted = false;
            while (!task.isDone()) {
                try {
                    task.get();
                } catch (ExecutionException e) {
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void writeAccount(DataOutput out, Account account, Texts texts) throws IOException {
        out.writeUTF(account.accountId());
        out.writeUTF(account.owner());
        texts.write(out, account.currency());
        writeVarLong(out, zigzag(account.balance()));
        writeVarLong(out, account.version());
    }

    private static Account readAccount(SnapshotInput in, List<String> texts) throws IOException {
        return new Account(in.readUTF(), in.readUTF(), readText(in, texts), unzigzag(in.readVarLong()), in.readVarLong());
    }

    /**
     * A transfer of format 3: its id as {@link Ids#transfer}, its accounts as {@link Ids#account},
     * a byte of flags (requested, a currency, a reference, the reason's ordinal plus one above them),
     * the status's ordinal, the amount as a variable-length number.
     */
    private static void writeCompactTransfer(DataOutput out, Transfer transfer, Ids ids) throws IOException {
        ids.transfer(out, transfer.transferId());
        ids.account(out, transfer.from());
        ids.account(out, transfer.to());
        int reason = transfer.reason() == null ? 0 : transfer.reason().ordinal() + 1;
        int flags = (transfer.requested() ? REQUESTED : 0) | (transfer.currency() != null ? WITH_CURRENCY : 0)
                | (transfer.reference() != null ? WITH_REFERENCE : 0) | reason << REASON_SHIFT;
        out.writeByte(flags);
        out.writeByte(transfer.status().ordinal());
        writeVarLong(out, zigzag(transfer.amount()));
        if (transfer.currency() != null) {
            ids.texts.write(out, transfer.currency());
        }
        if (transfer.reference() != null) {
            out.writeUTF(transfer.reference());
        }
    }

    private static Transfer readCompactTransfer(SnapshotInput in, ReadIds ids) throws IOException {
        var transferId = ids.transfer(in);
        var from = ids.account(in);
        var to = ids.account(in);
        int flags = in.readUnsignedByte();
        var status = STATUSES[in.readUnsignedByte()];
        long amount = unzigzag(in.readVarLong());
        var currency = (flags & WITH_CURRENCY) != 0 ? readText(in, ids.texts) : null;
        var reference = (flags & WITH_REFERENCE) != 0 ? in.readUTF() : null;
        int reason = flags >>> REASON_SHIFT;
        return new Transfer(transferId, from, to, amount, currency, status, reason == 0 ? null : REJECTIONS[reason - 1],
                (flags & REQUESTED) != 0, reference);
    }

    /**
     * An applied follow-up's id, {@code <transferId>/<sender>/<step>} as the rules make it, in three
     * parts: the transfer id as {@link Ids#transfer}, the sender as {@link Ids#account}, the step
     * from the table of texts; any other id (a name-based UUID, where the parts made too long an id)
     * as a transfer id alone. Each part is the text between the last two slashes and around them, so
     * joined again they give the id exactly, whatever it holds.
     */
    private static void writeFollowUpId(DataOutput out, String eventId, Ids ids) throws IOException {
        int step = eventId.lastIndexOf('/');
        int sender = step <= 0 ? -1 : eventId.lastIndexOf('/', step - 1);
        out.writeBoolean(sender >= 0);
        if (sender >= 0) {
            ids.transfer(out, eventId.substring(0, sender));
            ids.account(out, eventId.substring(sender + 1, step));
            ids.texts.write(out, eventId.substring(step + 1));
        } else {
            ids.transfer(out, eventId);
        }
    }

    /**
     * Restores an applied follow-up id: into {@code applied} when its three parts are compact (a
     * transfer id ending in a UUID, a sender the snapshot holds), else into the state as text.
     */
    private static void readFollowUpId(SnapshotInput in, ReadIds ids, int partition, long eventMicros,
                                       RestoredFollowUps.Builder applied, ReplayState state) throws IOException {
        if (!in.readBoolean()) {
            state.restoreFollowUp(ids.transfer(in), partition, eventMicros);
        } else if (in.readUnsignedByte() == 0) {
            var transferId = in.readUTF();
            state.restoreFollowUp(transferId + '/' + ids.account(in) + '/' + readText(in, ids.texts), partition, eventMicros);
        } else {
            int prefix = readTextIndex(in, ids.texts);
            long high = in.readLong();
            long low = in.readLong();
            int sender = (int) in.readVarLong();
            if (sender == 0) {
                var transferId = ids.texts.get(prefix).concat(new UUID(high, low).toString());
                state.restoreFollowUp(transferId + '/' + in.readUTF() + '/' + readText(in, ids.texts), partition, eventMicros);
            } else {
                applied.add(high, low, prefix, ids.row(sender), readTextIndex(in, ids.texts), partition, eventMicros);
            }
        }
    }

    private static String readText(SnapshotInput in, List<String> texts) throws IOException {
        return texts.get(readTextIndex(in, texts));
    }

    /** A text's index in {@code texts}, which takes it when it comes for the first time. */
    private static int readTextIndex(SnapshotInput in, List<String> texts) throws IOException {
        int index = (int) in.readVarLong();
        if (index == texts.size()) {
            texts.add(in.readUTF());
        } else if (index > texts.size()) {
            throw new IOException("a text names entry " + index + " of a table of " + texts.size());
        }
        return index;
    }

    /**
     * Texts that recur (currencies, transfer id prefixes, follow-up steps): each written where first
     * used, as its index and the text, and named by that index after.
     */
    private static final class Texts {
        private final Map<String, Integer> indexes = new HashMap<>();

        void write(DataOutput out, String text) throws IOException {
            Integer known = indexes.get(text);
            writeVarLong(out, known == null ? indexes.size() : known);
            if (known == null) {
                out.writeUTF(text);
                indexes.put(text, indexes.size());
            }
        }
    }

    /**
     * Each account's index in the accounts section, by its row at the cut: an array of ints, where a
     * map by id took about 80 bytes an account of garbage while the snapshot was written.
     */
    private static final class AccountIndex implements CommandResults.AccountIndex {
        private final ReplayState state;
        private final ReplayState.Cut cut;
        private final int[] byRow;
        private int written;

        AccountIndex(ReplayState state, ReplayState.Cut cut) {
            this.state = state;
            this.cut = cut;
            this.byRow = new int[state.accountRowsAtCut(cut)];
        }

        /** The next account written is the one in {@code row}. */
        void add(int row) {
            byRow[row] = written++;
        }

        @Override
        public int ofRow(int row) {
            return row >= 0 && row < byRow.length ? byRow[row] : -1;
        }

        @Override
        public int of(String accountId) {
            return ofRow(state.accountRowAtCut(cut, accountId));
        }
    }

    /** How the sections after the accounts write accounts, transfer ids and recurring texts. */
    private record Ids(AccountIndex accountIndex, Texts texts) {

        /** An account as its index in the accounts section plus one; 0 and its id for one not there. */
        void account(DataOutput out, String accountId) throws IOException {
            int index = accountIndex.of(accountId);
            writeVarLong(out, index + 1L);
            if (index < 0) {
                out.writeUTF(accountId);
            }
        }

        /**
         * A transfer id that ends in a canonical UUID (the API's {@code t-<uuid>}, or a bare UUID) as
         * the index of the text before it plus one, then the UUID's two longs; 0 and the id for any other.
         */
        void transfer(DataOutput out, String transferId) throws IOException {
            var uuid = transferId.length() < UUID_TEXT ? null
                    : CommandResults.canonicalUuid(transferId.substring(transferId.length() - UUID_TEXT));
            if (uuid == null) {
                out.writeByte(0);
                out.writeUTF(transferId);
                return;
            }
            out.writeByte(1);
            texts.write(out, transferId.substring(0, transferId.length() - UUID_TEXT));
            out.writeLong(uuid.getMostSignificantBits());
            out.writeLong(uuid.getLeastSignificantBits());
        }
    }

    /**
     * The reading side of {@link Ids}: account ids are the accounts' own strings, not copies.
     *
     * @param rows each account's row in the restored state, in the snapshot's order
     */
    private record ReadIds(List<String> accountIds, List<String> texts, int[] rows) {

        String account(SnapshotInput in) throws IOException {
            long index = in.readVarLong();
            if (index == 0) {
                return in.readUTF();
            }
            return accountIds.get(checked(index) - 1);
        }

        /** The row of the account an id names by its index in the accounts section plus one. */
        int row(long index) throws IOException {
            return rows[checked(index) - 1];
        }

        private int checked(long index) throws IOException {
            if (index > accountIds.size()) {
                throw new IOException("an id names account " + index + " of " + accountIds.size());
            }
            return (int) index;
        }

        String transfer(SnapshotInput in) throws IOException {
            if (in.readUnsignedByte() == 0) {
                return in.readUTF();
            }
            var prefix = readText(in, texts);
            return prefix.concat(new UUID(in.readLong(), in.readLong()).toString());
        }
    }

    /** A transfer field by field, as a command result that is not compact holds it. */
    private static void writeTransfer(DataOutput out, Transfer transfer) throws IOException {
        out.writeUTF(transfer.transferId());
        out.writeUTF(transfer.from());
        out.writeUTF(transfer.to());
        out.writeLong(transfer.amount());
        writeNullable(out, transfer.currency());
        out.writeUTF(transfer.status().name());
        writeNullable(out, transfer.reason() == null ? null : transfer.reason().name());
        out.writeBoolean(transfer.requested());
        writeNullable(out, transfer.reference());
    }

    private static Transfer readTransfer(SnapshotInput in) throws IOException {
        return new Transfer(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), readNullable(in),
                TransferStatus.valueOf(in.readUTF()), rejection(readNullable(in)), in.readBoolean(), readNullable(in));
    }

    /** The command results at the cut, each compact where it can be; returns how many. */
    private static long writeCommands(ReplayState state, ReplayState.Cut cut, AccountIndex accountIndex, DataOutput out)
            throws IOException {
        long[] count = {0};
        var prefixes = new HashMap<String, Integer>();
        try {
            state.forEachCommandAtCut(cut, accountIndex, new CommandResults.AtCutConsumer() {
                @Override
                public void compact(RestoredResults.Row row) {
                    try {
                        out.writeByte(COMPACT);
                        writeCompact(out, row, cut.newestMicros.getOrDefault(row.partition, Long.MIN_VALUE), prefixes);
                        count[0]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void asPut(CommandResult result, int partition, long eventMicros) {
                    try {
                        out.writeByte(AS_PUT);
                        writeCommand(out, result);
                        out.writeInt(partition);
                        out.writeLong(eventMicros);
                        count[0]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.writeByte(END);
        return count[0];
    }

    /** @param newestMicros the newest event time of the row's partition at the cut: the row's time is written as its distance */
    private static void writeCompact(DataOutput out, RestoredResults.Row row, long newestMicros, Map<String, Integer> prefixes)
            throws IOException {
        out.writeLong(row.idHigh);
        out.writeLong(row.idLow);
        writeVarLong(out, row.account);
        writeVarLong(out, row.partition);
        writeVarLong(out, zigzag(newestMicros - row.eventMicros));
        int flags = (row.rejection == null ? 0 : row.rejection.ordinal() + 1) | (row.accountLeft ? ACCOUNT_LEFT : 0)
                | (row.transferLeft ? TRANSFER_LEFT : 0) | (row.idempotencyKey != null ? KEYED : 0);
        out.writeByte(flags);
        if (row.accountLeft) {
            writeVarLong(out, row.balance);
            writeVarLong(out, row.version);
        }
        if (row.transferLeft) {
            // A prefix is written where it is first used, and named by its index after that.
            Integer known = prefixes.get(row.transferPrefix);
            writeVarLong(out, known == null ? prefixes.size() : known);
            if (known == null) {
                out.writeUTF(row.transferPrefix);
                prefixes.put(row.transferPrefix, prefixes.size());
            }
            out.writeLong(row.transferHigh);
            out.writeLong(row.transferLow);
            writeVarLong(out, row.to);
            writeVarLong(out, row.amount);
            out.writeByte(row.status.ordinal());
            out.writeByte(row.reason == null ? 0 : row.reason.ordinal() + 1);
            writeNullable(out, row.reference);
        }
        if (row.idempotencyKey != null) {
            out.writeUTF(row.idempotencyKey);
            out.write(row.requestHash);
        }
    }

    private static void readCompact(SnapshotInput in, RestoredResults.Row row, Map<Integer, Long> newest, List<String> prefixes,
                                    int accounts) throws IOException {
        row.idHigh = in.readLong();
        row.idLow = in.readLong();
        row.account = index(in.readVarLong(), accounts);
        row.partition = (int) in.readVarLong();
        Long newestMicros = newest.get(row.partition);
        if (newestMicros == null) {
            throw new IOException("a command result names partition " + row.partition + ", which has no event time");
        }
        row.eventMicros = newestMicros - unzigzag(in.readVarLong());
        int flags = in.readUnsignedByte();
        int rejection = flags & 0xF;
        row.rejection = rejection == 0 ? null : REJECTIONS[rejection - 1];
        row.accountLeft = (flags & ACCOUNT_LEFT) != 0;
        row.balance = row.accountLeft ? in.readVarLong() : 0;
        row.version = row.accountLeft ? in.readVarLong() : 0;
        row.transferLeft = (flags & TRANSFER_LEFT) != 0;
        if (row.transferLeft) {
            int prefix = (int) in.readVarLong();
            if (prefix == prefixes.size()) {
                prefixes.add(in.readUTF());
            }
            row.transferPrefix = prefixes.get(prefix);
            row.transferHigh = in.readLong();
            row.transferLow = in.readLong();
            row.to = index(in.readVarLong(), accounts);
            row.amount = in.readVarLong();
            row.status = STATUSES[in.readUnsignedByte()];
            int reason = in.readUnsignedByte();
            row.reason = reason == 0 ? null : REJECTIONS[reason - 1];
            row.reference = readNullable(in);
        }
        row.idempotencyKey = (flags & KEYED) != 0 ? in.readUTF() : null;
        if (row.idempotencyKey != null) {
            in.readFully(row.requestHash);
        }
    }

    private static int index(long index, int accounts) throws IOException {
        if (index >= accounts) {
            throw new IOException("a command result names account " + index + " of " + accounts);
        }
        return (int) index;
    }

    private static long zigzag(long value) {
        return value << 1 ^ value >> 63;
    }

    private static long unzigzag(long value) {
        return value >>> 1 ^ -(value & 1);
    }

    /** Seven bits a byte, lowest first: small numbers (most balances, versions, indexes) take one to three bytes. */
    static void writeVarLong(DataOutput out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    /** The account a command left is kept as its balance and version: its id, owner and currency never change. */
    private static void writeCommand(DataOutput out, CommandResult result) throws IOException {
        out.writeUTF(result.commandId());
        out.writeUTF(result.accountId());
        writeNullable(out, result.idempotencyKey());
        writeNullable(out, result.requestHash());
        writeNullable(out, result.rejection() == null ? null : result.rejection().name());
        out.writeLong(result.account() == null ? 0 : result.account().balance());
        out.writeLong(result.account() == null ? 0 : result.account().version());
        out.writeBoolean(result.transfer() != null);
        if (result.transfer() != null) {
            writeTransfer(out, result.transfer());
        }
    }

    private static CommandResult readCommand(SnapshotInput in, ReplayState state) throws IOException {
        var commandId = in.readUTF();
        var accountId = in.readUTF();
        var idempotencyKey = readNullable(in);
        var requestHash = readNullable(in);
        var rejection = rejection(readNullable(in));
        long balance = in.readLong();
        long version = in.readLong();
        var transfer = in.readBoolean() ? readTransfer(in) : null;
        Account account = null;
        if (version > 0) {
            var current = state.account(accountId).orElseThrow(() -> new IOException("a command names an unknown account: " + accountId));
            account = new Account(accountId, current.owner(), current.currency(), balance, version);
        }
        return new CommandResult(commandId, accountId, idempotencyKey, requestHash, rejection, account, transfer);
    }

    private static void writeFollowUp(DataOutput out, LedgerEvent event) throws IOException {
        out.writeUTF(event.eventId());
        out.writeUTF(event.accountId());
        out.writeUTF(event.commandId());
        out.writeLong(event.timestamp().getEpochSecond());
        out.writeInt(event.timestamp().getNano());
        writeNullable(out, event.idempotencyKey());
        writeNullable(out, event.requestHash());
        if (event.payload() instanceof Payload.TransferCreditRequested credit) {
            out.writeByte(0);
            out.writeUTF(credit.transferId());
            out.writeUTF(credit.from());
            out.writeLong(credit.amount());
            out.writeUTF(credit.currency());
            writeNullable(out, credit.reference());
        } else if (event.payload() instanceof Payload.TransferRefundRequested refund) {
            out.writeByte(1);
            out.writeUTF(refund.transferId());
            out.writeUTF(refund.to());
            out.writeLong(refund.amount());
            out.writeUTF(refund.currency());
            out.writeUTF(refund.reason().name());
        } else {
            throw new IllegalArgumentException("not a follow-up: " + event.type());
        }
    }

    private static LedgerEvent readFollowUp(SnapshotInput in) throws IOException {
        var eventId = in.readUTF();
        var accountId = in.readUTF();
        var commandId = in.readUTF();
        var timestamp = Instant.ofEpochSecond(in.readLong(), in.readInt());
        var idempotencyKey = readNullable(in);
        var requestHash = readNullable(in);
        Payload payload = switch (in.readUnsignedByte()) {
            case 0 -> new Payload.TransferCreditRequested(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(), readNullable(in));
            case 1 -> new Payload.TransferRefundRequested(in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(),
                    Rejection.valueOf(in.readUTF()));
            default -> throw new IOException("unknown follow-up kind");
        };
        return new LedgerEvent(eventId, accountId, commandId, timestamp, idempotencyKey, requestHash, payload);
    }

    private static void writeNullable(DataOutput out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(SnapshotInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static Rejection rejection(String name) {
        return name == null ? null : Rejection.valueOf(name);
    }

    /** Writes the entry markers of one section and counts its entries. */
    private static final class Writer {
        private final DataOutput out;

        Writer(DataOutput out) {
            this.out = out;
        }

        void next() throws IOException {
            out.writeBoolean(true);
        }

        void end() throws IOException {
            out.writeBoolean(false);
        }

        /** One section whose entries {@code walk} hands over; I/O failures cross the walk's lambdas unchecked. */
        long each(Consumer<Consumer<IoAction>> walk) throws IOException {
            long[] count = {0};
            try {
                walk.accept(entry -> {
                    try {
                        next();
                        entry.run();
                        count[0]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            end();
            return count[0];
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
