package dev.ledger.domain;

/** What applying one event did. */
public sealed interface Outcome {

    /** The event changed the state as it asked. */
    record Applied() implements Outcome {
    }

    /** The event asked for something the state does not allow. */
    record Rejected(Rejection reason) implements Outcome {
    }

    /** The event had already been applied (a retried command or a re-published follow-up): nothing changes. */
    record Duplicate() implements Outcome {
    }

    Outcome APPLIED = new Applied();
    Outcome DUPLICATE = new Duplicate();

    static Outcome rejected(Rejection reason) {
        return new Rejected(reason);
    }
}
