package dev.ledger.domain;

import static dev.ledger.domain.Outcome.APPLIED;
import static dev.ledger.domain.Outcome.DUPLICATE;
import static dev.ledger.domain.Outcome.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.tuple;

import dev.ledger.domain.Payload.AccountOpenRequested;
import dev.ledger.domain.Payload.DepositRequested;
import dev.ledger.domain.Payload.TransferCreditRequested;
import dev.ledger.domain.Payload.TransferRefundRequested;
import dev.ledger.domain.Payload.TransferRequested;
import dev.ledger.domain.Payload.WithdrawalRequested;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Ledger#apply} driven through a tiny in-test store that writes every {@link Decision} the
 * way the real stores do, so that sequences of events can be played.
 */
class LedgerTest {

    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678901Z");

    private final Store store = new Store();
    private int sequence;

    // ---------------------------------------------------------------------------------------------
    // Opening

    @Nested
    class Opening {

        @Test
        void openingANewAccountCreatesItWithBalanceZeroAndVersionOne() {
            var decision = store.apply(open("alice", "EUR"));

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(decision.accounts()).containsExactly(new Account("alice", "owner of alice", "EUR", 0, 1));
            assertThat(decision.transfer()).isNull();
            assertThat(decision.followUps()).isEmpty();
        }

        @Test
        void openingKeepsTheCommandResultWithTheNewAccount() {
            var event = open("alice", "EUR");

            var decision = store.apply(event);

            assertThat(decision.command()).isEqualTo(new CommandResult(event.commandId(), "alice", null, null, null,
                    new Account("alice", "owner of alice", "EUR", 0, 1), null));
        }

        @Test
        void openingAnExistingAccountIsRejected() {
            givenAccount("alice", "EUR", 500);

            var event = open("alice", "USD");
            var decision = store.apply(event);

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.ACCOUNT_ALREADY_EXISTS));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.command()).isEqualTo(
                    new CommandResult(event.commandId(), "alice", null, null, Rejection.ACCOUNT_ALREADY_EXISTS, null, null));
            assertThat(store.accountNamed("alice")).isEqualTo(new Account("alice", "owner of alice", "EUR", 500, 2));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Deposits

    @Nested
    class Deposits {

        @Test
        void depositAddsToTheBalanceAndCountsAVersion() {
            givenAccount("alice", "EUR", 0);

            var decision = store.apply(deposit("alice", 500));

            var expected = new Account("alice", "owner of alice", "EUR", 500, 2);
            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(decision.accounts()).containsExactly(expected);
            assertThat(decision.command().account()).isEqualTo(expected);
            assertThat(decision.command().applied()).isTrue();
        }

        @Test
        void depositToAnUnknownAccountIsRejected() {
            var decision = store.apply(deposit("ghost", 500));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.ACCOUNT_NOT_FOUND));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.command().rejection()).isEqualTo(Rejection.ACCOUNT_NOT_FOUND);
            assertThat(decision.command().account()).isNull();
            assertThat(store.accounts).isEmpty();
        }

        @Test
        void depositReachingExactlyTheBalanceLimitIsApplied() {
            store.seed(new Account("alice", "owner of alice", "EUR", Account.MAX_BALANCE - 100, 7));

            var decision = store.apply(deposit("alice", 100));

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(Account.MAX_BALANCE);
        }

        @Test
        void depositThatWouldExceedTheBalanceLimitIsRejected() {
            store.seed(new Account("alice", "owner of alice", "EUR", Account.MAX_BALANCE - 100, 7));

            var decision = store.apply(deposit("alice", 101));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.BALANCE_LIMIT_EXCEEDED));
            assertThat(decision.accounts()).isEmpty();
            assertThat(store.accountNamed("alice")).isEqualTo(
                    new Account("alice", "owner of alice", "EUR", Account.MAX_BALANCE - 100, 7));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Withdrawals

    @Nested
    class Withdrawals {

        @Test
        void withdrawalSubtractsFromTheBalanceAndCountsAVersion() {
            givenAccount("alice", "EUR", 500);

            var decision = store.apply(withdrawal("alice", 120));

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(decision.accounts()).containsExactly(new Account("alice", "owner of alice", "EUR", 380, 3));
        }

        @Test
        void withdrawalOfTheExactBalanceLeavesZero() {
            givenAccount("alice", "EUR", 500);

            var decision = store.apply(withdrawal("alice", 500));

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(store.accountNamed("alice").balance()).isZero();
        }

        @Test
        void withdrawalBeyondBalanceIsRejected() {
            givenAccount("alice", "EUR", 500);

            var decision = store.apply(withdrawal("alice", 501));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.INSUFFICIENT_FUNDS));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.command().rejection()).isEqualTo(Rejection.INSUFFICIENT_FUNDS);
            assertThat(store.accountNamed("alice")).isEqualTo(new Account("alice", "owner of alice", "EUR", 500, 2));
        }

        @Test
        void withdrawalFromAnUnknownAccountIsRejected() {
            var decision = store.apply(withdrawal("ghost", 1));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.ACCOUNT_NOT_FOUND));
            assertThat(decision.accounts()).isEmpty();
            assertThat(store.accounts).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Transfer requests (the debit, on the sender's partition)

    @Nested
    class TransferRequests {

        @BeforeEach
        void aliceAndBob() {
            givenAccount("alice", "EUR", 500);
            givenAccount("bob", "EUR", 0);
        }

        @Test
        void transferRequestDebitsTheSenderAndLeavesTheTransferPending() {
            var decision = store.apply(transfer("t1", "alice", "bob", 200));

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(decision.accounts()).containsExactly(new Account("alice", "owner of alice", "EUR", 300, 3));
            assertThat(decision.transfer()).isEqualTo(
                    new Transfer("t1", "alice", "bob", 200, "EUR", TransferStatus.PENDING, null, true, null));
        }

        @Test
        void transferRequestDoesNotTouchTheReceiver() {
            store.apply(transfer("t1", "alice", "bob", 200));

            assertThat(store.accountNamed("bob")).isEqualTo(new Account("bob", "owner of bob", "EUR", 0, 1));
        }

        @Test
        void transferRequestKeepsTheCommandResultWithThePendingTransfer() {
            var request = keyed(transfer("t1", "alice", "bob", 200), "key-1", "hash-1");

            var decision = store.apply(request);

            assertThat(decision.command()).isEqualTo(new CommandResult(request.commandId(), "alice", "key-1", "hash-1", null, null,
                    new Transfer("t1", "alice", "bob", 200, "EUR", TransferStatus.PENDING, null, true, null)));
        }

        @Test
        void transferRequestAsksForACreditOnTheReceiversPartition() {
            var request = keyed(transfer("t1", "alice", "bob", 200), "key-1", "hash-1");

            var credit = onlyFollowUp(store.apply(request));

            assertThat(credit.eventId()).isEqualTo("t1/alice/credit");
            assertThat(credit.accountId()).isEqualTo("bob");
            assertThat(credit.commandId()).isEqualTo(request.commandId());
            assertThat(credit.timestamp()).isEqualTo(request.timestamp());
            assertThat(credit.requestHash()).isNull();
            assertThat(credit.payload()).isEqualTo(new TransferCreditRequested("t1", "alice", 200, "EUR"));
        }

        @Test
        void creditCarriesTheSendersCurrencyWhateverTheReceiverHolds() {
            givenAccount("dollar", "USD", 500);

            var credit = onlyFollowUp(store.apply(transfer("t1", "dollar", "bob", 200)));

            assertThat(((TransferCreditRequested) credit.payload()).currency()).isEqualTo("USD");
            assertThat(store.transferNamed("t1").currency()).isEqualTo("USD");
        }

        @Test
        void transferOfTheWholeBalanceLeavesTheSenderAtZero() {
            store.apply(transfer("t1", "alice", "bob", 500));

            assertThat(store.accountNamed("alice").balance()).isZero();
        }

        @Test
        void transferToAnUnknownReceiverStillDebitsTheSender() {
            var decision = store.apply(transfer("t1", "alice", "ghost", 200));

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(300);
            assertThat(onlyFollowUp(decision).accountId()).isEqualTo("ghost");
        }

        @Test
        void transferFromAnUnknownSenderIsRejectedWithNoCurrency() {
            var decision = store.apply(transfer("t1", "ghost", "bob", 200));

            var expected = new Transfer("t1", "ghost", "bob", 200, null, TransferStatus.REJECTED,
                    Rejection.ACCOUNT_NOT_FOUND, true, null);
            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.ACCOUNT_NOT_FOUND));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.followUps()).isEmpty();
            assertThat(decision.transfer()).isEqualTo(expected);
            assertThat(decision.command().rejection()).isEqualTo(Rejection.ACCOUNT_NOT_FOUND);
            assertThat(decision.command().transfer()).isEqualTo(expected);
        }

        @Test
        void transferBeyondTheSendersBalanceIsRejectedAndMovesNothing() {
            var before = store.balances();

            var decision = store.apply(transfer("t1", "alice", "bob", 501));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.INSUFFICIENT_FUNDS));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.followUps()).isEmpty();
            assertThat(decision.transfer()).isEqualTo(new Transfer("t1", "alice", "bob", 501, "EUR",
                    TransferStatus.REJECTED, Rejection.INSUFFICIENT_FUNDS, true, null));
            assertThat(store.balances()).isEqualTo(before);
        }

        @Test
        void transferToTheSameAccountIsRejected() {
            var before = store.balances();

            var decision = store.apply(transfer("t1", "alice", "alice", 100));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.SAME_ACCOUNT));
            assertThat(decision.followUps()).isEmpty();
            assertThat(decision.transfer().status()).isEqualTo(TransferStatus.REJECTED);
            assertThat(decision.transfer().reason()).isEqualTo(Rejection.SAME_ACCOUNT);
            assertThat(store.balances()).isEqualTo(before);
        }

        @Test
        void transferWithAnIdAlreadyUsedIsRejectedAndLeavesTheTransferAlone() {
            store.applyWithFollowUps(transfer("t1", "alice", "bob", 200));
            var settled = store.transferNamed("t1");
            var before = store.balances();

            var again = transfer("t1", "alice", "bob", 50);
            var decision = store.apply(again);

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.TRANSFER_ALREADY_EXISTS));
            assertThat(decision.transfer()).isNull();
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.followUps()).isEmpty();
            assertThat(decision.command()).isEqualTo(
                    new CommandResult(again.commandId(), "alice", null, null, Rejection.TRANSFER_ALREADY_EXISTS, null, null));
            assertThat(store.transferNamed("t1")).isEqualTo(settled);
            assertThat(store.balances()).isEqualTo(before);
        }

        /**
         * Only the sender's partition can decide, in the same order everywhere, whether an id is
         * taken; the API refuses an id its instance already knows before writing anything.
         */
        @Test
        void transferIdReusedByAnotherSenderIsDecidedOnThatSendersPartitionAlone() {
            givenAccount("carol", "EUR", 100);
            store.applyWithFollowUps(transfer("t1", "alice", "bob", 200));

            var decision = store.apply(transfer("t1", "carol", "bob", 50));

            assertThat(decision.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(onlyFollowUp(decision).eventId()).isEqualTo("t1/carol/credit");
            assertThat(store.balances()).containsEntry("carol", 50L);
        }

        @Test
        void transferWithTheIdOfARejectedTransferIsRejectedAsAlreadyExisting() {
            store.apply(transfer("t1", "alice", "bob", 1_000));

            var decision = store.apply(transfer("t1", "alice", "bob", 100));

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.TRANSFER_ALREADY_EXISTS));
            assertThat(store.transferNamed("t1").reason()).isEqualTo(Rejection.INSUFFICIENT_FUNDS);
        }

        /** A rejected request from an unknown sender once overwrote the transfer that owned its id. */
        @Test
        void transferWithAnIdAlreadyUsedFromAnUnknownSenderLeavesTheExistingTransferAlone() {
            store.applyWithFollowUps(transfer("t1", "alice", "bob", 200));
            var completed = store.transferNamed("t1");

            var decision = store.apply(transfer("t1", "ghost", "bob", 10));

            assertThat(decision.outcome()).isInstanceOf(Outcome.Rejected.class);
            assertThat(store.transferNamed("t1")).isEqualTo(completed);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Credits (the follow-up on the receiver's partition)

    @Nested
    class Credits {

        @BeforeEach
        void alice() {
            givenAccount("alice", "EUR", 500);
        }

        @Test
        void creditAddsToTheReceiverAndCompletesTheTransfer() {
            givenAccount("bob", "EUR", 0);
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "bob", 200)));

            var decision = store.apply(credit);

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(decision.accounts()).containsExactly(new Account("bob", "owner of bob", "EUR", 200, 2));
            assertThat(decision.transfer()).isEqualTo(
                    new Transfer("t1", "alice", "bob", 200, "EUR", TransferStatus.COMPLETED, null, true, null));
            assertThat(decision.followUps()).isEmpty();
            assertThat(decision.command()).isNull();
        }

        @Test
        void creditToAnUnknownReceiverKeepsTheTransferPendingAndAsksForARefund() {
            var request = transfer("t1", "alice", "ghost", 200);
            var credit = onlyFollowUp(store.apply(request));

            var decision = store.apply(credit);

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.ACCOUNT_NOT_FOUND));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.command()).isNull();
            assertThat(decision.transfer()).isEqualTo(new Transfer("t1", "alice", "ghost", 200, "EUR",
                    TransferStatus.PENDING, Rejection.ACCOUNT_NOT_FOUND, true, null));
            var refund = onlyFollowUp(decision);
            assertThat(refund.eventId()).isEqualTo("t1/alice/refund");
            assertThat(refund.accountId()).isEqualTo("alice");
            assertThat(refund.commandId()).isEqualTo(request.commandId());
            assertThat(refund.timestamp()).isEqualTo(request.timestamp());
            assertThat(refund.requestHash()).isNull();
            assertThat(refund.payload()).isEqualTo(
                    new TransferRefundRequested("t1", "ghost", 200, "EUR", Rejection.ACCOUNT_NOT_FOUND));
        }

        @Test
        void creditInAnotherCurrencyIsRefusedAndRefunded() {
            givenAccount("dollar", "USD", 0);
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "dollar", 200)));

            var decision = store.apply(credit);

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.CURRENCY_MISMATCH));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.transfer().status()).isEqualTo(TransferStatus.PENDING);
            assertThat(decision.transfer().reason()).isEqualTo(Rejection.CURRENCY_MISMATCH);
            assertThat(onlyFollowUp(decision).payload()).isEqualTo(
                    new TransferRefundRequested("t1", "dollar", 200, "EUR", Rejection.CURRENCY_MISMATCH));
            assertThat(store.accountNamed("dollar").balance()).isZero();
        }

        @Test
        void creditThatWouldTakeTheReceiverBeyondTheBalanceLimitIsRefused() {
            store.seed(new Account("rich", "owner of rich", "EUR", Account.MAX_BALANCE - 100, 3));
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "rich", 101)));

            var decision = store.apply(credit);

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.BALANCE_LIMIT_EXCEEDED));
            assertThat(onlyFollowUp(decision).eventId()).isEqualTo("t1/alice/refund");
            assertThat(store.accountNamed("rich").balance()).isEqualTo(Account.MAX_BALANCE - 100);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Refunds (the follow-up back on the sender's partition)

    @Nested
    class Refunds {

        @Test
        void refundGivesTheMoneyBackAndMarksTheTransferRefunded() {
            givenAccount("alice", "EUR", 500);
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "ghost", 200)));
            var refund = onlyFollowUp(store.apply(credit));

            var decision = store.apply(refund);

            assertThat(decision.outcome()).isEqualTo(APPLIED);
            assertThat(decision.accounts()).containsExactly(new Account("alice", "owner of alice", "EUR", 500, 4));
            assertThat(decision.transfer()).isEqualTo(new Transfer("t1", "alice", "ghost", 200, "EUR",
                    TransferStatus.REFUNDED, Rejection.ACCOUNT_NOT_FOUND, true, null));
            assertThat(decision.followUps()).isEmpty();
            assertThat(decision.command()).isNull();
        }

        @Test
        void transferToAnotherCurrencyEndsRefundedWithTheSenderWhole() {
            givenAccount("alice", "EUR", 500);
            givenAccount("dollar", "USD", 0);

            store.applyWithFollowUps(transfer("t1", "alice", "dollar", 200));

            assertThat(store.transferNamed("t1").status()).isEqualTo(TransferStatus.REFUNDED);
            assertThat(store.transferNamed("t1").reason()).isEqualTo(Rejection.CURRENCY_MISMATCH);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(500);
            assertThat(store.accountNamed("dollar").balance()).isZero();
        }

        @Test
        void refundToAnUnknownAccountChangesNothing() {
            var forged = new LedgerEvent("t9/ghost/refund", "ghost", "command-x", T0, null, null,
                    new TransferRefundRequested("t9", "bob", 100, "EUR", Rejection.ACCOUNT_NOT_FOUND));

            var decision = store.apply(forged);

            assertThat(decision.outcome()).isEqualTo(rejected(Rejection.ACCOUNT_NOT_FOUND));
            assertThat(decision.accounts()).isEmpty();
            assertThat(decision.transfer()).isNull();
            assertThat(decision.followUps()).isEmpty();
        }

        /** Once made {@code Ledger.apply} throw: accounts allowed at most MAX_BALANCE + Amount.MAX. */
        @Test
        void twoRefundsToAnAccountRefilledToTheLimitAreBothPaidBack() {
            store.seed(new Account("alice", "owner of alice", "EUR", Account.MAX_BALANCE, 1));
            var firstCredit = onlyFollowUp(store.apply(transfer("t1", "alice", "ghost", Amount.MAX)));
            store.apply(deposit("alice", Amount.MAX));
            var secondCredit = onlyFollowUp(store.apply(transfer("t2", "alice", "ghost", Amount.MAX)));
            store.apply(deposit("alice", Amount.MAX));
            var firstRefund = onlyFollowUp(store.apply(firstCredit));
            var secondRefund = onlyFollowUp(store.apply(secondCredit));

            assertThatCode(() -> {
                store.apply(firstRefund);
                store.apply(secondRefund);
            }).doesNotThrowAnyException();
            assertThat(store.accountNamed("alice").balance()).isEqualTo(Account.MAX_BALANCE + 2 * Amount.MAX);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Duplicates and idempotency

    @Nested
    class Duplicates {

        @BeforeEach
        void aliceAndBob() {
            givenAccount("alice", "EUR", 500);
            givenAccount("bob", "EUR", 0);
        }

        @Test
        void creditAppliedTwiceChangesNothingTheSecondTime() {
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "bob", 200)));
            store.apply(credit);

            var second = store.apply(credit);

            assertNothingDecided(second, DUPLICATE);
            assertThat(store.accountNamed("bob")).isEqualTo(new Account("bob", "owner of bob", "EUR", 200, 2));
        }

        @Test
        void refundAppliedTwiceChangesNothingTheSecondTime() {
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "ghost", 200)));
            var refund = onlyFollowUp(store.apply(credit));
            store.apply(refund);

            var second = store.apply(refund);

            assertNothingDecided(second, DUPLICATE);
            assertThat(store.accountNamed("alice")).isEqualTo(new Account("alice", "owner of alice", "EUR", 500, 4));
        }

        @Test
        void failedCreditAppliedTwiceAsksForNoSecondRefund() {
            var credit = onlyFollowUp(store.apply(transfer("t1", "alice", "ghost", 200)));
            store.apply(credit);

            assertNothingDecided(store.apply(credit), DUPLICATE);
        }

        @Test
        void commandRetriedWithTheSameRequestHashIsADuplicate() {
            var first = keyed(deposit("alice", 100), "key-1", "hash-1");
            var firstResult = store.apply(first).command();

            var retry = store.apply(republished(first));

            assertNothingDecided(retry, DUPLICATE);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(600);
            assertThat(store.command("alice", first.commandId())).contains(firstResult);
        }

        @Test
        void commandRepublishedWithoutAKeyIsADuplicate() {
            var first = deposit("alice", 100);
            store.apply(first);

            assertNothingDecided(store.apply(republished(first)), DUPLICATE);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(600);
        }

        @Test
        void transferRetriedWithTheSameRequestHashDebitsOnceAndAsksForNoSecondCredit() {
            var first = keyed(transfer("t1", "alice", "bob", 200), "key-1", "hash-1");
            store.apply(first);

            assertNothingDecided(store.apply(republished(first)), DUPLICATE);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(300);
        }

        @Test
        void commandIdReusedWithADifferentRequestHashIsRejectedAndChangesNothing() {
            var first = keyed(deposit("alice", 100), "key-1", "hash-1");
            var firstResult = store.apply(first).command();
            var other = new LedgerEvent("event-other", "alice", first.commandId(), T0, "key-1", "hash-2",
                    new WithdrawalRequested(50, null));

            var decision = store.apply(other);

            assertNothingDecided(decision, rejected(Rejection.IDEMPOTENCY_KEY_REUSED));
            assertThat(store.accountNamed("alice").balance()).isEqualTo(600);
            assertThat(store.command("alice", first.commandId())).contains(firstResult);
        }

        @Test
        void commandIdUsedOnAnotherAccountIsThatAccountsOwnCommand() {
            store.seed(new Account("bob", "owner of bob", "EUR", 0, 1));
            var first = deposit("alice", 100);
            store.apply(first);
            var forged = new LedgerEvent("event-bob", "bob", first.commandId(), T0, null, null, new DepositRequested(30, null));

            assertThat(store.apply(forged).outcome()).isEqualTo(APPLIED);
            assertThat(store.accountNamed("bob").balance()).isEqualTo(30);
            assertNothingDecided(store.apply(republished(first)), DUPLICATE);
            assertNothingDecided(store.apply(republished(forged)), DUPLICATE);
            assertThat(store.accountNamed("alice").balance()).isEqualTo(600);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Out-of-order replay: a replaying instance may read the receiver's partition first

    @Nested
    class OutOfOrderReplay {

        private final Store writer = new Store();
        private final List<LedgerEvent> senderPartition = new ArrayList<>();
        private final List<LedgerEvent> receiverPartition = new ArrayList<>();

        /** Writes the topic as the instance that took the requests would: alice pays bob (or ghost). */
        private void topicOfATransferTo(String receiver, String receiverCurrency) {
            senderPartition.addAll(List.of(open("alice", "EUR"), deposit("alice", 500),
                    transfer("t1", "alice", receiver, 200)));
            if (receiverCurrency != null) {
                receiverPartition.add(open(receiver, receiverCurrency));
            }
            var pending = new ArrayDeque<LedgerEvent>();
            senderPartition.forEach(pending::add);
            receiverPartition.forEach(pending::add);
            while (!pending.isEmpty()) {
                for (var followUp : writer.apply(pending.poll()).followUps()) {
                    (followUp.accountId().equals("alice") ? senderPartition : receiverPartition).add(followUp);
                    pending.add(followUp);
                }
            }
        }

        private Store replayReceiverFirst() {
            var replay = new Store();
            receiverPartition.forEach(replay::apply);
            senderPartition.forEach(replay::apply);
            return replay;
        }

        private Store replayReceiverThenSenderUpToTheRequest() {
            var replay = new Store();
            receiverPartition.forEach(replay::apply);
            senderPartition.subList(0, 2).forEach(replay::apply);
            return replay;
        }

        @Test
        void creditReadBeforeItsRequestCompletesTheTransferOnceTheRequestIsRead() {
            topicOfATransferTo("bob", "EUR");

            var replay = replayReceiverFirst();

            assertThat(replay.transferNamed("t1")).isEqualTo(
                    new Transfer("t1", "alice", "bob", 200, "EUR", TransferStatus.COMPLETED, null, true, null));
            assertThat(replay.accountNamed("alice").balance()).isEqualTo(300);
            assertThat(replay.accountNamed("bob").balance()).isEqualTo(200);
        }

        @Test
        void creditReadBeforeItsRequestCreditsTheReceiverAtOnce() {
            topicOfATransferTo("bob", "EUR");
            var replay = new Store();

            receiverPartition.forEach(replay::apply);

            assertThat(replay.transferNamed("t1").status()).isEqualTo(TransferStatus.COMPLETED);
            assertThat(replay.transferNamed("t1").requested()).isFalse();
            assertThat(replay.accountNamed("bob").balance()).isEqualTo(200);
        }

        @Test
        void requestReadAfterItsCreditStillDebitsTheSender() {
            topicOfATransferTo("bob", "EUR");
            var replay = replayReceiverThenSenderUpToTheRequest();

            var request = replay.apply(senderPartition.get(2));

            assertThat(request.outcome()).isEqualTo(APPLIED);
            assertThat(request.accounts()).containsExactly(new Account("alice", "owner of alice", "EUR", 300, 3));
            assertThat(request.transfer().status()).isEqualTo(TransferStatus.COMPLETED);
            assertThat(request.command().transfer().status()).isEqualTo(TransferStatus.COMPLETED);
        }

        @Test
        void creditThatALateRequestAsksForAgainIsADuplicate() {
            topicOfATransferTo("bob", "EUR");
            var replay = replayReceiverThenSenderUpToTheRequest();

            var creditAskedAgain = onlyFollowUp(replay.apply(senderPartition.get(2)));

            assertNothingDecided(replay.apply(creditAskedAgain), DUPLICATE);
            assertThat(replay.accountNamed("bob").balance()).isEqualTo(200);
        }

        @Test
        void failedCreditReadBeforeItsRequestEndsRefunded() {
            topicOfATransferTo("ghost", null);

            var replay = replayReceiverFirst();

            assertThat(replay.transferNamed("t1")).isEqualTo(new Transfer("t1", "alice", "ghost", 200, "EUR",
                    TransferStatus.REFUNDED, Rejection.ACCOUNT_NOT_FOUND, true, null));
            assertThat(replay.accountNamed("alice")).isEqualTo(new Account("alice", "owner of alice", "EUR", 500, 4));
        }

        @Test
        void replayingTheReceiverFirstEndsInTheWritersState() {
            topicOfATransferTo("bob", "EUR");

            var replay = replayReceiverFirst();

            assertThat(replay.accounts).isEqualTo(writer.accounts);
            assertThat(replay.transfers).isEqualTo(writer.transfers);
            assertThat(replay.digest()).isEqualTo(writer.digest());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Partition interleaving: Kafka orders events within a partition only, so any interleaving of
    // two partitions is a valid replay and must end in the same state.

    @Nested
    class PartitionInterleaving {

        private void assertSameStateWhicheverPartitionIsReadFirst(List<LedgerEvent> one, List<LedgerEvent> other) {
            var oneFirst = readInOrder(one, other);
            var otherFirst = readInOrder(other, one);
            assertThat(otherFirst.accounts).isEqualTo(oneFirst.accounts);
            assertThat(otherFirst.transfers).isEqualTo(oneFirst.transfers);
        }

        private void assertSameAccountsWhicheverPartitionIsReadFirst(List<LedgerEvent> one, List<LedgerEvent> other) {
            var oneFirst = readInOrder(one, other);
            var otherFirst = readInOrder(other, one);
            assertThat(otherFirst.accounts).isEqualTo(oneFirst.accounts);
            assertThat(oneFirst.balances()).containsEntry("alice", 90L).containsEntry("bob", 80L).containsEntry("carol", 30L);
        }

        /** Applies each partition's events, and the follow-ups they publish, the first partition first. */
        private Store readInOrder(List<LedgerEvent> first, List<LedgerEvent> second) {
            var store = new Store();
            first.forEach(store::applyWithFollowUps);
            second.forEach(store::applyWithFollowUps);
            return store;
        }

        @Test
        void independentAccountsEndTheSameWhicheverPartitionIsReadFirst() {
            assertSameStateWhicheverPartitionIsReadFirst(
                    List.of(open("alice", "EUR"), deposit("alice", 100), transfer("t1", "alice", "carol", 10)),
                    List.of(open("bob", "EUR"), deposit("bob", 100), transfer("t2", "bob", "carol", 20)));
        }

        /**
         * Both senders are debited and both receivers credited whatever the order. Transfers are
         * looked up by id alone, so which of the two GET /transfers/t1 shows is left undefined.
         */
        @Test
        void sameTransferIdFromSendersOnTwoPartitionsMovesTheSameMoneyWhicheverIsReadFirst() {
            assertSameAccountsWhicheverPartitionIsReadFirst(
                    List.of(open("carol", "EUR"), open("alice", "EUR"), deposit("alice", 100), transfer("t1", "alice", "carol", 10)),
                    List.of(open("carol", "EUR"), open("bob", "EUR"), deposit("bob", 100), transfer("t1", "bob", "carol", 20)));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Whole sequences

    @Nested
    class Sequences {

        @Test
        void moneyIsConservedOverAScriptedSequence() {
            var script = List.of(
                    open("alice", "EUR"), open("bob", "EUR"), open("carol", "USD"),
                    deposit("alice", 1_000), deposit("bob", 300), deposit("ghost", 999),
                    withdrawal("bob", 500), withdrawal("alice", 150),
                    transfer("t1", "alice", "bob", 400),
                    transfer("t2", "bob", "carol", 100),
                    transfer("t3", "bob", "ghost", 50),
                    transfer("t4", "carol", "alice", 1),
                    transfer("t5", "ghost", "alice", 10),
                    deposit("carol", 70),
                    transfer("t6", "bob", "alice", 700),
                    transfer("t7", "carol", "carol", 5),
                    withdrawal("alice", 2_000),
                    withdrawal("carol", 20));
            long deposited = 0;
            long withdrawn = 0;

            for (var event : script) {
                var outcome = store.applyWithFollowUps(event).outcome();
                if (outcome.equals(APPLIED) && event.payload() instanceof DepositRequested deposit) {
                    deposited += deposit.amount();
                }
                if (outcome.equals(APPLIED) && event.payload() instanceof WithdrawalRequested withdrawal) {
                    withdrawn += withdrawal.amount();
                }
            }

            assertThat(deposited).isEqualTo(1_000 + 300 + 70);
            assertThat(withdrawn).isEqualTo(150 + 20);
            assertThat(store.totalBalance()).isEqualTo(deposited - withdrawn);
            assertThat(store.balances()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "alice", 1_000L - 150 - 400 + 700, "bob", 300L + 400 - 700, "carol", 70L - 20));
            assertThat(store.transfers.values()).extracting(Transfer::transferId, Transfer::status).containsExactlyInAnyOrder(
                    tuple("t1", TransferStatus.COMPLETED),
                    tuple("t2", TransferStatus.REFUNDED),
                    tuple("t3", TransferStatus.REFUNDED),
                    tuple("t4", TransferStatus.REJECTED),
                    tuple("t5", TransferStatus.REJECTED),
                    tuple("t6", TransferStatus.COMPLETED),
                    tuple("t7", TransferStatus.REJECTED));
        }

        @Test
        void moneyInFlightIsExactlyWhatPendingTransfersCarry() {
            givenAccount("alice", "EUR", 1_000);
            givenAccount("bob", "EUR", 0);

            var credits = List.of(
                    onlyFollowUp(store.apply(transfer("t1", "alice", "bob", 300))),
                    onlyFollowUp(store.apply(transfer("t2", "alice", "ghost", 200))));

            assertThat(store.totalBalance() + store.pendingAmount()).isEqualTo(1_000);
            credits.forEach(store::applyWithFollowUps);
            assertThat(store.pendingAmount()).isZero();
            assertThat(store.totalBalance()).isEqualTo(1_000);
        }

        @Test
        void versionsCountOnlyAppliedChanges() {
            var retried = deposit("alice", 100);
            store.apply(open("alice", "EUR"));                                 // 1
            store.apply(open("bob", "EUR"));                                   // bob 1
            store.apply(retried);                                              // 2
            store.apply(republished(retried));                                 // duplicate
            store.apply(withdrawal("alice", 500));                             // insufficient funds
            store.apply(open("alice", "EUR"));                                 // already exists
            store.apply(transfer("t0", "alice", "alice", 10));                 // same account
            store.apply(transfer("t1", "alice", "bob", 1_000));                // insufficient funds
            var credit = onlyFollowUp(store.apply(transfer("t2", "alice", "bob", 30)));     // 3
            store.apply(credit);                                               // bob 2
            store.apply(credit);                                               // duplicate
            store.applyWithFollowUps(transfer("t3", "alice", "ghost", 20));    // 4 debit, 5 refund

            assertThat(store.accountNamed("alice")).isEqualTo(new Account("alice", "owner of alice", "EUR", 70, 5));
            assertThat(store.accountNamed("bob")).isEqualTo(new Account("bob", "owner of bob", "EUR", 30, 2));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Payload validation

    @Nested
    class InvalidPayloads {

        @ParameterizedTest
        @ValueSource(longs = {0, -1, Amount.MAX + 1, Long.MIN_VALUE, Long.MAX_VALUE})
        void amountsOutsideOneToTheMaximumAreRefusedByEveryPayload(long amount) {
            assertThatIllegalArgumentException().isThrownBy(() -> new DepositRequested(amount, null));
            assertThatIllegalArgumentException().isThrownBy(() -> new WithdrawalRequested(amount, null));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested("t1", "bob", amount));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferCreditRequested("t1", "alice", amount, "EUR"));
            assertThatIllegalArgumentException().isThrownBy(
                    () -> new TransferRefundRequested("t1", "bob", amount, "EUR", Rejection.ACCOUNT_NOT_FOUND));
        }

        @ParameterizedTest
        @ValueSource(longs = {Amount.MIN, Amount.MAX})
        void amountsAtTheBoundsAreAccepted(long amount) {
            assertThatCode(() -> {
                new DepositRequested(amount, "ref");
                new WithdrawalRequested(amount, null);
                new TransferRequested("t1", "bob", amount);
            }).doesNotThrowAnyException();
        }

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", "eur", "Eur", "EU", "EURO", "E1R", " EUR", "EUR\n"})
        void badCurrenciesAreRefused(String currency) {
            assertThatIllegalArgumentException().isThrownBy(() -> new AccountOpenRequested("alice", currency));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferCreditRequested("t1", "alice", 1, currency));
            assertThatIllegalArgumentException().isThrownBy(
                    () -> new TransferRefundRequested("t1", "bob", 1, currency, Rejection.CURRENCY_MISMATCH));
        }

        @Test
        void openingWithoutAnOwnerIsRefused() {
            assertThatNullPointerException().isThrownBy(() -> new AccountOpenRequested(null, "EUR"));
        }

        @Test
        void transferWithoutAnIdOrReceiverIsRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested(null, "bob", 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested("t1", null, 1));
        }

        @Test
        void idsThatCouldBreakADigestLineAreRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested("t|1", "bob", 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested("t1", "bob\n", 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new LedgerEvent("e", "a".repeat(65), "c", T0, null, null,
                    new DepositRequested(1, null)));
        }

        /** "." and ".." would be dot segments in an account's or a transfer's URL, which no client can reach. */
        @ParameterizedTest
        @ValueSource(strings = {".", ".."})
        void dotIdsAreRefused(String id) {
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested(id, "bob", 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferRequested("t1", id, 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new TransferCreditRequested("t1", id, 1, "EUR"));
            assertThatIllegalArgumentException().isThrownBy(() -> new LedgerEvent("e", id, "c", T0, null, null,
                    new DepositRequested(1, null)));
        }

        @Test
        void accountsOutsideTheirRangeAreRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> new Account("a", "o", "EUR", -1, 1));
            assertThatIllegalArgumentException().isThrownBy(() -> new Account("a", "o", "EUR", 0, 0));
            assertThatIllegalArgumentException().isThrownBy(() -> new Account("a", "o", "eur", 0, 1));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Event builders

    private LedgerEvent event(String accountId, Payload payload) {
        sequence++;
        return new LedgerEvent("event-" + sequence, accountId, "command-" + sequence, T0.plusSeconds(sequence), null, null,
                payload);
    }

    private LedgerEvent open(String accountId, String currency) {
        return event(accountId, new AccountOpenRequested("owner of " + accountId, currency));
    }

    private LedgerEvent deposit(String accountId, long amount) {
        return event(accountId, new DepositRequested(amount, "deposit " + sequence));
    }

    private LedgerEvent withdrawal(String accountId, long amount) {
        return event(accountId, new WithdrawalRequested(amount, null));
    }

    private LedgerEvent transfer(String transferId, String from, String to, long amount) {
        return event(from, new TransferRequested(transferId, to, amount));
    }

    /** The same event as sent with an Idempotency-Key, {@code requestHash} being the request's fingerprint. */
    private static LedgerEvent keyed(LedgerEvent event, String idempotencyKey, String requestHash) {
        return new LedgerEvent(event.eventId(), event.accountId(), event.commandId(), event.timestamp(), idempotencyKey,
                requestHash, event.payload());
    }

    /** The same command published again (a client retry or a producer retry): a new event id, same command. */
    private static LedgerEvent republished(LedgerEvent event) {
        return new LedgerEvent(event.eventId() + "-again", event.accountId(), event.commandId(), event.timestamp().plusSeconds(1),
                event.idempotencyKey(), event.requestHash(), event.payload());
    }

    private void givenAccount(String accountId, String currency, long balance) {
        store.apply(open(accountId, currency));
        if (balance > 0) {
            store.apply(deposit(accountId, balance));
        }
    }

    private static LedgerEvent onlyFollowUp(Decision decision) {
        assertThat(decision.followUps()).hasSize(1);
        return decision.followUps().get(0);
    }

    private static void assertNothingDecided(Decision decision, Outcome outcome) {
        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.accounts()).isEmpty();
        assertThat(decision.transfer()).isNull();
        assertThat(decision.command()).isNull();
        assertThat(decision.followUps()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // The in-test store

    /** A {@link LedgerView} over maps that takes each decision's changes as the real stores do. */
    static final class Store implements LedgerView, LedgerWriter {

        final Map<String, Account> accounts = new HashMap<>();
        /** By transfer id and sender, as the real stores key them. */
        final Map<List<String>, Transfer> transfers = new HashMap<>();
        /** By account and command id, as the real stores key them. */
        private final Map<List<String>, CommandResult> commands = new HashMap<>();
        private final Set<String> appliedFollowUps = new HashSet<>();

        @Override
        public Optional<Account> account(String accountId) {
            return Optional.ofNullable(accounts.get(accountId));
        }

        @Override
        public Optional<Transfer> transfer(String transferId, String from) {
            return Optional.ofNullable(transfers.get(List.of(transferId, from)));
        }

        @Override
        public Optional<CommandResult> command(String accountId, String commandId) {
            return Optional.ofNullable(commands.get(List.of(accountId, commandId)));
        }

        @Override
        public boolean followUpApplied(String eventId) {
            return appliedFollowUps.contains(eventId);
        }

        @Override
        public void putAccount(Account account) {
            accounts.put(account.accountId(), account);
        }

        @Override
        public void putTransfer(Transfer transfer) {
            transfers.put(List.of(transfer.transferId(), transfer.from()), transfer);
        }

        @Override
        public void putCommand(CommandResult command) {
            commands.put(List.of(command.accountId(), command.commandId()), command);
        }

        @Override
        public void markFollowUpApplied(String eventId) {
            appliedFollowUps.add(eventId);
        }

        void seed(Account account) {
            putAccount(account);
        }

        Decision apply(LedgerEvent event) {
            var decision = Ledger.apply(this, event);
            decision.writeTo(this);
            return decision;
        }

        /** Applies the event, then its follow-ups and theirs, as published; answers the event's own decision. */
        Decision applyWithFollowUps(LedgerEvent event) {
            var decision = apply(event);
            var pending = new ArrayDeque<>(decision.followUps());
            while (!pending.isEmpty()) {
                pending.addAll(apply(pending.poll()).followUps());
            }
            return decision;
        }

        Account accountNamed(String accountId) {
            assertThat(accounts).containsKey(accountId);
            return accounts.get(accountId);
        }

        /** The transfer the API shows for this id. */
        Transfer transferNamed(String transferId) {
            var shown = Transfers.shown(transfers.values().stream().filter(transfer -> transfer.transferId().equals(transferId)).toList());
            assertThat(shown).as("transfer " + transferId).isPresent();
            return shown.get();
        }

        Map<String, Long> balances() {
            var balances = new TreeMap<String, Long>();
            accounts.values().forEach(account -> balances.put(account.accountId(), account.balance()));
            return balances;
        }

        long totalBalance() {
            return accounts.values().stream().mapToLong(Account::balance).sum();
        }

        /** What debited transfers carry that has reached neither the receiver nor, back, the sender. */
        long pendingAmount() {
            return transfers.values().stream().filter(transfer -> transfer.status() == TransferStatus.PENDING)
                    .mapToLong(Transfer::amount).sum();
        }

        String digest() {
            var digest = new StateDigest();
            new TreeMap<>(accounts).values().forEach(digest::add);
            return digest.hex();
        }
    }
}
