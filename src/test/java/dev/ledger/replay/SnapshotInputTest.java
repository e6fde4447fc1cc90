package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Whatever the stream below hands over at a time, a snapshot body reads back as {@link java.io.DataOutput} wrote it. */
class SnapshotInputTest {

    private static final String LONGEST = "x".repeat(65_533) + "\u00e9";

    @Test
    void valuesReadBackWhereverTheStreamBelowBreaksThem() throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        for (int i = 0; i < 3; i++) {
            out.writeBoolean(true);
            out.writeInt(-123_456_789);
            out.writeLong(Long.MIN_VALUE + 7);
            SnapshotFormat.writeVarLong(out, 300);
            SnapshotFormat.writeVarLong(out, -1L);
            out.writeUTF("t-ascii");
            out.writeUTF("Alice \uD800 lone \u00e9");
            out.writeUTF(LONGEST);
            out.write(new byte[] {1, 2, 3});
            out.writeByte(0xFE);
        }
        for (var in : new InputStream[] {new ByteArrayInputStream(bytes.toByteArray()), byteByByte(bytes.toByteArray())}) {
            var input = new SnapshotInput(in);
            for (int i = 0; i < 3; i++) {
                assertThat(input.readBoolean()).isTrue();
                assertThat(input.readInt()).isEqualTo(-123_456_789);
                assertThat(input.readLong()).isEqualTo(Long.MIN_VALUE + 7);
                assertThat(input.readVarLong()).isEqualTo(300);
                assertThat(input.readVarLong()).isEqualTo(-1L);
                assertThat(input.readUTF()).isEqualTo("t-ascii");
                assertThat(input.readUTF()).isEqualTo("Alice \uD800 lone \u00e9");
                assertThat(input.readUTF()).isEqualTo(LONGEST);
                var three = new byte[3];
                input.readFully(three);
                assertThat(three).containsExactly(1, 2, 3);
                assertThat(input.readUnsignedByte()).isEqualTo(0xFE);
            }
            assertThatThrownBy(input::readUnsignedByte).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void aBodyCutShortInAValueIsAnEofNotAWrongValue() {
        var input = new SnapshotInput(new ByteArrayInputStream(new byte[] {(byte) 0x80, (byte) 0x80}));
        assertThatThrownBy(input::readVarLong).isInstanceOf(EOFException.class);
        var longInput = new SnapshotInput(new ByteArrayInputStream(new byte[] {1, 2, 3}));
        assertThatThrownBy(longInput::readLong).isInstanceOf(EOFException.class);
    }

    private static InputStream byteByByte(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] target, int offset, int length) {
                return super.read(target, offset, Math.min(1, length));
            }
        };
    }
}
