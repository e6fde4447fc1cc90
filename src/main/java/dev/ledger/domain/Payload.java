package dev.ledger.domain;

import java.util.Objects;

/**
 * What an event asks of the ledger. Each type is a request that applying may grant or reject:
 * the topic records what was asked, in order, and applying it decides, identically everywhere.
 */
public sealed interface Payload {

    EventType type();

    /** Opens the account named by the event's accountId. */
    record AccountOpenRequested(String owner, String currency) implements Payload {
        public AccountOpenRequested {
            Objects.requireNonNull(owner, "owner");
            currency = Currency.canonical(currency);
        }

        @Override
        public EventType type() {
            return EventType.ACCOUNT_OPEN_REQUESTED;
        }
    }

    record DepositRequested(long amount, String reference) implements Payload {
        public DepositRequested {
            Amount.require(amount);
        }

        @Override
        public EventType type() {
            return EventType.DEPOSIT_REQUESTED;
        }
    }

    record WithdrawalRequested(long amount, String reference) implements Payload {
        public WithdrawalRequested {
            Amount.require(amount);
        }

        @Override
        public EventType type() {
            return EventType.WITHDRAWAL_REQUESTED;
        }
    }

    /**
     * Debits the event's account (the sender); once debited, a credit follows on the receiver's partition.
     *
     * @param reference the client's text for the transfer, or null (always null in version 1)
     */
    record TransferRequested(String transferId, String to, long amount, String reference) implements Payload {
        public TransferRequested {
            Ids.require(transferId, "transferId");
            Ids.require(to, "to");
            Amount.require(amount);
        }

        /** A transfer without a reference, as every one written before version 2. */
        public TransferRequested(String transferId, String to, long amount) {
            this(transferId, to, amount, null);
        }

        @Override
        public EventType type() {
            return EventType.TRANSFER_REQUESTED;
        }
    }

    /** Events that applying another event decides to publish. */
    sealed interface FollowUp extends Payload {
        String transferId();
    }

    /**
     * Credits the event's account (the receiver) with a debited transfer.
     *
     * @param reference the transfer's, so that the receiver's partition knows it too; null in version 1
     */
    record TransferCreditRequested(String transferId, String from, long amount, String currency, String reference)
            implements FollowUp {
        public TransferCreditRequested {
            Ids.require(transferId, "transferId");
            Ids.require(from, "from");
            Amount.require(amount);
            currency = Currency.canonical(currency);
        }

        /** A credit without a reference, as every one written before version 2. */
        public TransferCreditRequested(String transferId, String from, long amount, String currency) {
            this(transferId, from, amount, currency, null);
        }

        @Override
        public EventType type() {
            return EventType.TRANSFER_CREDIT_REQUESTED;
        }
    }

    /** Gives a debited transfer back to the event's account (the sender) after its credit failed. */
    record TransferRefundRequested(String transferId, String to, long amount, String currency, Rejection reason)
            implements FollowUp {
        public TransferRefundRequested {
            Ids.require(transferId, "transferId");
            Ids.require(to, "to");
            Amount.require(amount);
            currency = Currency.canonical(currency);
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public EventType type() {
            return EventType.TRANSFER_REFUND_REQUESTED;
        }
    }
}
