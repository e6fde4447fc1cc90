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
import java.util.List;
import java.util.function.Consumer;

/**
 * The body of a snapshot, format {@link #VERSION}: a compact binary stream (compressed and chunked
 * by {@link ReplaySnapshots}). Sections in a fixed order, each a run of entries, each entry after a
 * {@code true} and the section ended by {@code false}, so the writer need not count ahead:
 * partitions' newest event times, accounts, transfers, command results, applied follow-ups,
 * pending follow-ups. Strings are modified UTF-8 ({@link DataOutput#writeUTF}), which carries any
 * UTF-16 text, lone surrogates included, exactly.
 */
final class SnapshotFormat {

    /** Raised whenever the body changes: an older or newer body is ignored, and the topic replayed. */
    static final int VERSION = 1;

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
        long accounts = writer.each(sink -> state.forEachAccountAtCut(cut, account -> sink.accept(() -> {
            writeAccount(out, account);
            digest.add(account);
        })));
        long transfers = writer.each(sink -> state.forEachTransferAtCut(cut, transfer -> sink.accept(() -> writeTransfer(out, transfer))));
        long commands = writer.each(sink -> state.forEachCommandAtCut((result, partition, micros) -> sink.accept(() -> {
            writeCommand(out, result);
            out.writeInt(partition);
            out.writeLong(micros);
        })));
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

    /** Reads a body into an empty {@code state}; returns the pending follow-ups, for the consumer's own list. */
    static List<PendingFollowUps.Entry> read(DataInput in, ReplayState state) throws IOException {
        while (in.readBoolean()) {
            state.restoreClock(in.readInt(), in.readLong());
        }
        while (in.readBoolean()) {
            state.putAccount(new Account(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
        }
        while (in.readBoolean()) {
            state.putTransfer(readTransfer(in));
        }
        while (in.readBoolean()) {
            var result = readCommand(in, state);
            state.restoreCommand(result, in.readInt(), in.readLong());
        }
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
