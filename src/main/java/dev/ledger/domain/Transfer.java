package dev.ledger.domain;

import java.util.Objects;

/**
 * A transfer, assembled from the events of two partitions: the request on the sender's, the
 * credit on the receiver's, the refund on the sender's again. A replaying instance may read the
 * receiver's partition ahead of the sender's, so every event may be the first one seen for a
 * transfer, and a settled status is never replaced by {@link TransferStatus#PENDING}.
 *
 * @param currency the sender's currency; null only for a transfer rejected because there is no sender
 * @param reason why the transfer was rejected or refunded, or why its credit failed; else null
 * @param requested whether the request event (the debit side) has been applied
 * @param reference the client's text for the transfer, or null
 */
public record Transfer(String transferId, String from, String to, long amount, String currency,
                       TransferStatus status, Rejection reason, boolean requested, String reference) {

    public Transfer {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Amount.require(amount);
        if (currency != null) {
            Currency.require(currency);
        }
        Objects.requireNonNull(status, "status");
    }

    Transfer withStatus(TransferStatus newStatus, Rejection newReason) {
        if (status.settled() && !newStatus.settled()) {
            return new Transfer(transferId, from, to, amount, currency, status, reason != null ? reason : newReason, requested,
                    reference);
        }
        return new Transfer(transferId, from, to, amount, currency, newStatus, newReason != null ? newReason : reason, requested,
                reference);
    }

    /**
     * The request's reference is the one to keep: a credit published by a release that did not
     * know references may have been read first.
     */
    Transfer markRequested(String requestReference) {
        return new Transfer(transferId, from, to, amount, currency, status, reason, true, requestReference);
    }
}
