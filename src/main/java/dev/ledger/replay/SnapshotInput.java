package dev.ledger.replay;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A snapshot body as {@link SnapshotFormat} reads it: its own buffer over the stream, read by a
 * final class. Read through a {@link DataInputStream}, every byte of the hundreds of millions
 * went through a virtual {@code read()} of the stream below and its checks, a fifth of a restore's
 * decoding time; here a byte is an array access, and a variable-length number or a long is read
 * from the buffer in one go when it lies whole in it.
 */
final class SnapshotInput {

    /** Room for the longest string {@link java.io.DataOutput#writeUTF} writes, its length included, in one piece. */
    private static final int BUFFER = 128 * 1024;
    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private int at;
    private int end;

    SnapshotInput(InputStream in) {
        this.in = in;
    }

    /** At least {@code bytes} (at most the buffer's size) unread in the buffer, or an EOFException. */
    private void need(int bytes) throws IOException {
        if (end - at >= bytes) {
            return;
        }
        System.arraycopy(buffer, at, buffer, 0, end - at);
        end -= at;
        at = 0;
        while (end < bytes) {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                throw new EOFException("the snapshot body ends early");
            }
            end += read;
        }
    }

    int readUnsignedByte() throws IOException {
        if (at == end) {
            need(1);
        }
        return buffer[at++] & 0xFF;
    }

    boolean readBoolean() throws IOException {
        return readUnsignedByte() != 0;
    }

    int readInt() throws IOException {
        need(Integer.BYTES);
        int value = (buffer[at] & 0xFF) << 24 | (buffer[at + 1] & 0xFF) << 16 | (buffer[at + 2] & 0xFF) << 8 | buffer[at + 3] & 0xFF;
        at += Integer.BYTES;
        return value;
    }

    long readLong() throws IOException {
        need(Long.BYTES);
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = value << 8 | buffer[at + i] & 0xFF;
        }
        at += Long.BYTES;
        return value;
    }

    void readFully(byte[] target) throws IOException {
        need(target.length);
        System.arraycopy(buffer, at, target, 0, target.length);
        at += target.length;
    }

    /** Seven bits a byte, lowest first, as {@link SnapshotFormat} writes them. */
    long readVarLong() throws IOException {
        // Ten bytes hold any long: with as many in the buffer, no byte needs a check of its own.
        if (end - at < 10) {
            return readVarLongSlowly();
        }
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = buffer[at++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IOException("a variable-length number runs over 64 bits");
    }

    private long readVarLongSlowly() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("a variable-length number runs over 64 bits");
    }

    /**
     * A string as {@link java.io.DataOutput#writeUTF} wrote it. Nearly every one (ids, owners,
     * keys) is ASCII, whose modified UTF-8 is the characters' own bytes; any other is decoded by
     * {@link DataInputStream#readUTF(java.io.DataInput)}, which carries lone surrogates exactly.
     */
    String readUTF() throws IOException {
        need(2);
        int length = (buffer[at] & 0xFF) << 8 | buffer[at + 1] & 0xFF;
        need(2 + length);
        for (int i = at + 2; i < at + 2 + length; i++) {
            if (buffer[i] < 0) {
                var text = DataInputStream.readUTF(new DataInputStream(new ByteArrayInputStream(buffer, at, 2 + length)));
                at += 2 + length;
                return text;
            }
        }
        var text = new String(buffer, at + 2, length, StandardCharsets.ISO_8859_1);
        at += 2 + length;
        return text;
    }
}
