package dev.ledger.domain;

import java.util.List;

/**
 * The result of applying one event: its outcome and every change a store must write. Nothing is
 * written by {@link Ledger#apply} itself.
 *
 * @param accounts the accounts as they are after the event
 * @param transfer the transfer as it is after the event, or null when the event touched none
 * @param command the client command's result to keep, or null (follow-ups, duplicates, key reuse)
 * @param followUps events to publish once this one is applied
 */
public record Decision(LedgerEvent event, Outcome outcome, List<Account> accounts, Transfer transfer,
                       CommandResult command, List<LedgerEvent> followUps) {

    public Decision {
        accounts = List.copyOf(accounts);
        followUps = List.copyOf(followUps);
    }

    static Decision nothing(LedgerEvent event, Outcome outcome) {
        return new Decision(event, outcome, List.of(), null, null, List.of());
    }

    static Decision ofCommand(LedgerEvent event, Outcome outcome, Account account) {
        var accounts = account == null || outcome != Outcome.APPLIED ? List.<Account>of() : List.of(account);
        var rejection = outcome instanceof Outcome.Rejected rejected ? rejected.reason() : null;
        var result = CommandResult.of(event, rejection, rejection == null ? account : null, null);
        return new Decision(event, outcome, accounts, null, result, List.of());
    }

    /** Hands every change to {@code writer}, the same way for every store. */
    public void writeTo(LedgerWriter writer) {
        accounts.forEach(writer::putAccount);
        if (transfer != null) {
            writer.putTransfer(transfer);
        }
        if (command != null) {
            writer.putCommand(command);
        }
        if (isFollowUp()) {
            writer.markFollowUpApplied(event.eventId());
        }
    }

    public boolean isFollowUp() {
        return event.payload() instanceof Payload.FollowUp;
    }
}
