package dev.ledger.domain;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Which transfer an id shows when several senders used it (see {@link LedgerView#transfer}). */
public final class Transfers {

    /**
     * One that moved money before one that was rejected, then the lowest sender id: a choice that
     * depends only on which transfers exist, never on the order partitions were read in, so every
     * instance shows the same one at equal positions.
     */
    private static final Comparator<Transfer> SHOWN_FIRST = Comparator
            .comparing((Transfer transfer) -> transfer.status() == TransferStatus.REJECTED)
            .thenComparing(Transfer::from);

    private Transfers() {
    }

    public static Optional<Transfer> shown(Collection<Transfer> sameId) {
        return sameId.stream().min(SHOWN_FIRST);
    }
}
