package dev.ledger.domain;

import static dev.ledger.domain.Outcome.APPLIED;
import static dev.ledger.domain.Outcome.DUPLICATE;
import static dev.ledger.domain.Outcome.rejected;

import dev.ledger.domain.Payload.AccountOpenRequested;
import dev.ledger.domain.Payload.DepositRequested;
import dev.ledger.domain.Payload.TransferCreditRequested;
import dev.ledger.domain.Payload.TransferRefundRequested;
import dev.ledger.domain.Payload.TransferRequested;
import dev.ledger.domain.Payload.WithdrawalRequested;
import java.util.List;
import java.util.Objects;

/**
 * The ledger's rules: how one event changes the state. Both consumption modes call
 * {@link #apply}, so the same topic yields the same state in either.
 *
 * <p>Every account change is decided by an event on that account's partition, reading only that
 * account; so each account's state depends only on the order within its partition, which Kafka
 * keeps, and never on how partitions interleave.
 */
public final class Ledger {

    private Ledger() {
    }

    public static Decision apply(LedgerView state, LedgerEvent event) {
        if (event.payload() instanceof Payload.FollowUp && state.followUpApplied(event.eventId())) {
            return Decision.nothing(event, DUPLICATE);
        }
        var payload = event.payload();
        return switch (payload.type()) {
            case TRANSFER_CREDIT_REQUESTED -> credit(state, event, (TransferCreditRequested) payload);
            case TRANSFER_REFUND_REQUESTED -> refund(state, event, (TransferRefundRequested) payload);
            case ACCOUNT_OPEN_REQUESTED, DEPOSIT_REQUESTED, WITHDRAWAL_REQUESTED, TRANSFER_REQUESTED -> command(state, event);
        };
    }

    /** A client's command: applied once per command id, whatever the payload. */
    private static Decision command(LedgerView state, LedgerEvent event) {
        // Command ids are derived from the Idempotency-Key and the account: this reads this account's alone.
        var earlier = state.command(event.accountId(), event.commandId());
        if (earlier.isPresent()) {
            return Objects.equals(earlier.get().requestHash(), event.requestHash())
                    ? Decision.nothing(event, DUPLICATE)
                    : Decision.nothing(event, rejected(Rejection.IDEMPOTENCY_KEY_REUSED));
        }
        var account = state.account(event.accountId());
        var payload = event.payload();
        if (payload instanceof AccountOpenRequested open) {
            return account.isPresent()
                    ? Decision.ofCommand(event, rejected(Rejection.ACCOUNT_ALREADY_EXISTS), null)
                    : Decision.ofCommand(event, APPLIED, Account.open(event.accountId(), open.owner(), open.currency()));
        }
        if (account.isEmpty()) {
            return payload instanceof TransferRequested transfer
                    ? rejectTransfer(state, event, transfer, Rejection.ACCOUNT_NOT_FOUND, null)
                    : Decision.ofCommand(event, rejected(Rejection.ACCOUNT_NOT_FOUND), null);
        }
        if (payload instanceof DepositRequested deposit) {
            return account.get().canAccept(deposit.amount())
                    ? Decision.ofCommand(event, APPLIED, account.get().plus(deposit.amount()))
                    : Decision.ofCommand(event, rejected(Rejection.BALANCE_LIMIT_EXCEEDED), null);
        }
        if (payload instanceof WithdrawalRequested withdrawal) {
            return account.get().covers(withdrawal.amount())
                    ? Decision.ofCommand(event, APPLIED, account.get().minus(withdrawal.amount()))
                    : Decision.ofCommand(event, rejected(Rejection.INSUFFICIENT_FUNDS), null);
        }
        return transfer(state, event, (TransferRequested) payload, account.get());
    }

    private static Decision transfer(LedgerView state, LedgerEvent event, TransferRequested request, Account from) {
        // This sender's transfer under this id, as this partition's order decides it; one known but
        // not requested yet came from its credit, read ahead by a replay. Another sender's transfer
        // under the same id is another transfer: no partition could tell which came first.
        var known = state.transfer(request.transferId(), from.accountId());
        if (known.isPresent() && known.get().requested()) {
            return new Decision(event, rejected(Rejection.TRANSFER_ALREADY_EXISTS), List.of(), null,
                    CommandResult.of(event, Rejection.TRANSFER_ALREADY_EXISTS, null, null), List.of());
        }
        if (request.to().equals(from.accountId())) {
            return rejectTransfer(state, event, request, Rejection.SAME_ACCOUNT, from.currency());
        }
        if (!from.covers(request.amount())) {
            return rejectTransfer(state, event, request, Rejection.INSUFFICIENT_FUNDS, from.currency());
        }
        var debited = from.minus(request.amount());
        var transfer = known.orElseGet(() -> new Transfer(request.transferId(), from.accountId(), request.to(),
                request.amount(), from.currency(), TransferStatus.PENDING, null, false, null)).markRequested(request.reference());
        return new Decision(event, APPLIED, List.of(debited), transfer,
                CommandResult.of(event, null, null, transfer),
                List.of(LedgerEvent.credit(event, request, from.currency())));
    }

    /**
     * Records a transfer that moved nothing, unless this sender already has a transfer under this
     * id, which a rejected request must not overwrite.
     *
     * @param currency the sender's currency, null when there is no such sender
     */
    private static Decision rejectTransfer(LedgerView state, LedgerEvent event, TransferRequested request, Rejection reason,
                                           String currency) {
        var transfer = new Transfer(request.transferId(), event.accountId(), request.to(), request.amount(),
                currency, TransferStatus.REJECTED, reason, true, request.reference());
        var toWrite = state.transfer(request.transferId(), event.accountId()).isPresent() ? null : transfer;
        return new Decision(event, rejected(reason), List.of(), toWrite,
                CommandResult.of(event, reason, null, transfer), List.of());
    }

    private static Decision credit(LedgerView state, LedgerEvent event, TransferCreditRequested credit) {
        var account = state.account(event.accountId());
        var transfer = state.transfer(credit.transferId(), credit.from()).orElseGet(() -> new Transfer(credit.transferId(),
                credit.from(), event.accountId(), credit.amount(), credit.currency(), TransferStatus.PENDING, null, false,
                credit.reference()));
        var failure = account.isEmpty() ? Rejection.ACCOUNT_NOT_FOUND
                : !account.get().currency().equals(credit.currency()) ? Rejection.CURRENCY_MISMATCH
                : !account.get().canAccept(credit.amount()) ? Rejection.BALANCE_LIMIT_EXCEEDED
                : null;
        if (failure != null) {
            return new Decision(event, rejected(failure), List.of(), transfer.withStatus(TransferStatus.PENDING, failure),
                    null, List.of(LedgerEvent.refund(event, credit, failure)));
        }
        return new Decision(event, APPLIED, List.of(account.get().plus(credit.amount())),
                transfer.withStatus(TransferStatus.COMPLETED, null), null, List.of());
    }

    private static Decision refund(LedgerView state, LedgerEvent event, TransferRefundRequested refund) {
        var account = state.account(event.accountId());
        var transfer = state.transfer(refund.transferId(), event.accountId()).orElseGet(() -> new Transfer(refund.transferId(),
                event.accountId(), refund.to(), refund.amount(), refund.currency(), TransferStatus.PENDING, refund.reason(), false,
                null));
        // The sender was debited by this transfer, so it exists; only a forged refund finds none.
        if (account.isEmpty()) {
            return Decision.nothing(event, rejected(Rejection.ACCOUNT_NOT_FOUND));
        }
        return new Decision(event, APPLIED, List.of(account.get().plus(refund.amount())),
                transfer.withStatus(TransferStatus.REFUNDED, refund.reason()), null, List.of());
    }
}
