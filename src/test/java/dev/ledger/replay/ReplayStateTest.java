package dev.ledger.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.domain.Account;
import org.junit.jupiter.api.Test;

/**
 * The digest reads a cut taken between two batches, while the consumer goes on writing: it must
 * neither wait for the hash nor change what the hash sees.
 */
class ReplayStateTest {

    private final ReplayState state = new ReplayState();

    private void batch(int position, Runnable writes) {
        state.writeBatch(() -> {
            writes.run();
            state.advance(0, position);
        });
    }

    private static Account account(String id, long balance, long version) {
        return new Account(id, "Ada", "EUR", balance, version);
    }

    @Test
    void batchesWrittenWhileADigestIsBeingTakenNeitherWaitForItNorChangeIt() {
        batch(2, () -> {
            state.putAccount(account("a", 10, 1));
            state.putAccount(account("b", 20, 1));
        });
        var atCut = new ReplayState();
        atCut.writeBatch(() -> {
            atCut.putAccount(account("a", 10, 1));
            atCut.putAccount(account("b", 20, 1));
            atCut.advance(0, 2);
        });
        var expected = atCut.hash(atCut.beginCut());

        var cut = state.beginCut();
        // The writer goes on, on this very thread: it would deadlock if the cut held the batch lock.
        batch(4, () -> {
            state.putAccount(account("a", 15, 2));
            state.putAccount(account("c", 5, 1));
        });
        batch(5, () -> state.putAccount(account("a", 30, 3)));

        assertThat(state.hash(cut)).isEqualTo(expected);
        assertThat(state.digest().await().indefinitely().accounts()).isEqualTo(3);
        assertThat(state.digest().await().indefinitely().positions()).containsEntry(0, 5L);
    }
}
