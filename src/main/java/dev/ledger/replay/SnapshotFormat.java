package dev.ledger.replay;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.StateDigest;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The body of a snapshot, format {@link #VERSION}: a compact binary stream (compressed and chunked
 * by {@link ReplaySnapshots}). Sections in a fixed order, each a run of entries, each entry after a
 * {@code true} and the section ended by {@code false}, so the writer need not count ahead:
 * partitions' newest event times, accounts, transfers, command results, applied follow-ups,
 * pending follow-ups. Strings are modified UTF-8 ({@link DataOutput#writeUTF}), which carries any
 * UTF-16 text, lone surrogates included, exactly.
 *
 * <p>Command results, by far the most entries (every command within the retention), come each
 * after a tag: {@value #COMPACT} in {@link RestoredResults.Row}'s form, restored into
 * {@link RestoredResults} as they are read (ids as 16 bytes, accounts as their index in the
 * accounts section, numbers as variable-length integers, the event time as its distance from the
 * partition's newest); {@value #AS_PUT} for any other, field by field; {@value #END} ends them.
 */
final class SnapshotFormat {

    /** Raised whenever the body changes: an older or newer body is ignored, and the topic replayed. */
    static final int VERSION = 2;

    private static final int END = 0;
    private static final int COMPACT = 1;
    private static final int AS_PUT = 2;
    private static final int ACCOUNT_LEFT = 1 << 4;
    private static final int TRANSFER_LEFT = 1 << 5;
    private static final int KEYED = 1 << 6;
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
        var accountIndex = new HashMap<String, Integer>();
        long accounts = writer.each(sink -> state.forEachAccountAtCut(cut, account -> sink.accept(() -> {
            writeAccount(out, account);
            digest.add(account);
            accountIndex.put(account.accountId(), accountIndex.size());
        })));
        long transfers = writer.each(sink -> state.forEachTransferAtCut(cut, transfer -> sink.accept(() -> writeTransfer(out, transfer))));
        long commands = writeCommands(state, cut, accountIndex, out);
        long followUps = writer.each(sink -> state.forEachFollowUpAtCut(cut, applied -> sink.accept(() -> {
            out.writeUTF(applied.eventId());
            out.writeInt(applied.partition());
            out.writeLong(applied.eventMicros());
        })));
        for (var entry : pending) {
            writer.next();
            out.writeInt(entry.sourcePartition());
            writeFollowUp(out, entry.event());
        }
        writer.end();
        return new Counts(accounts, transfers, commands, followUps, pending.size(), digest.hex());
    }

    /**
     * Reads a body into an empty {@code state}; returns the pending follow-ups, for the consumer's own list.
     *
     * @param commands how many command results the snapshot holds, to size their columns
     */
    static List<PendingFollowUps.Entry> read(DataInput in, ReplayState state, long commands) throws IOException {
        var newest = new HashMap<Integer, Long>();
        while (in.readBoolean()) {
            int partition = in.readInt();
            long micros = in.readLong();
            newest.put(partition, micros);
            state.restoreClock(partition, micros);
        }
        var accountIds = new ArrayList<String>();
        while (in.readBoolean()) {
            var accountId = in.readUTF();
            accountIds.add(accountId);
            state.putAccount(new Account(accountId, in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
        }
        while (in.readBoolean()) {
            state.putTransfer(readTransfer(in));
        }
        var compact = new RestoredResults.Builder(accountIds.toArray(String[]::new), (int) Math.min(commands, Integer.MAX_VALUE - 8));
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
        state.restoreCommands(compact.build());
        while (in.readBoolean()) {
            state.restoreFollowUp(in.readUTF(), in.readInt(), in.readLong());
        }
        var pending = new ArrayList<PendingFollowUps.Entry>();
        while (in.readBoolean()) {
            pending.add(new PendingFollowUps.Entry(in.readInt(), readFollowUp(in)));
        }
        return pending;
    }

    private static void writeAccount(DataOutput out, Account account) throws IOException {
        out.writeUTF(account.accountId());
        out.writeUTF(account.owner());
        out.writeUTF(account.currency());
        out.writeLong(account.balance());
        out.writeLong(account.version());
    }

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

    private static Transfer readTransfer(DataInput in) throws IOException {
        return new Transfer(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), readNullable(in),
                TransferStatus.valueOf(in.readUTF()), rejection(readNullable(in)), in.readBoolean(), readNullable(in));
    }

    /** The command results at the cut, each compact where it can be; returns how many. */
    private static long writeCommands(ReplayState state, ReplayState.Cut cut, Map<String, Integer> accountIndex, DataOutput out)
            throws IOException {
        long[] count = {0};
        var prefixes = new HashMap<String, Integer>();
        try {
            state.forEachCommandAtCut(cut, accountId -> accountIndex.getOrDefault(accountId, -1), new CommandResults.AtCutConsumer() {
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

    private static void readCompact(DataInput in, RestoredResults.Row row, Map<Integer, Long> newest, List<String> prefixes,
                                    int accounts) throws IOException {
        row.idHigh = in.readLong();
        row.idLow = in.readLong();
        row.account = index(readVarLong(in), accounts);
        row.partition = (int) readVarLong(in);
        Long newestMicros = newest.get(row.partition);
        if (newestMicros == null) {
            throw new IOException("a command result names partition " + row.partition + ", which has no event time");
        }
        row.eventMicros = newestMicros - unzigzag(readVarLong(in));
        int flags = in.readUnsignedByte();
        int rejection = flags & 0xF;
        row.rejection = rejection == 0 ? null : REJECTIONS[rejection - 1];
        row.accountLeft = (flags & ACCOUNT_LEFT) != 0;
        row.balance = row.accountLeft ? readVarLong(in) : 0;
        row.version = row.accountLeft ? readVarLong(in) : 0;
        row.transferLeft = (flags & TRANSFER_LEFT) != 0;
        if (row.transferLeft) {
            int prefix = (int) readVarLong(in);
            if (prefix == prefixes.size()) {
                prefixes.add(in.readUTF());
            }
            row.transferPrefix = prefixes.get(prefix);
            row.transferHigh = in.readLong();
            row.transferLow = in.readLong();
            row.to = index(readVarLong(in), accounts);
            row.amount = readVarLong(in);
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
    private static void writeVarLong(DataOutput out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(DataInput in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("a variable-length number runs over 64 bits");
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

    private static CommandResult readCommand(DataInput in, ReplayState state) throws IOException {
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

    private static LedgerEvent readFollowUp(DataInput in) throws IOException {
        var eventId = in.readUTF();
        var accountId = in.readUTF();
        var commandId = in.readUTF();
        var timestamp = Instant.ofEpochSecond(in.readLong(), in.readInt());
        var idempotencyKey = readNullable(in);
        var requestHash = readNullable(in);
        Payload payload = switch (in.readByte()) {
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

    private static String readNullable(DataInput in) throws IOException {
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
