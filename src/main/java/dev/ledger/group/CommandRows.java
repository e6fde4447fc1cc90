package dev.ledger.group;

import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Command results as rows of {@code commands} (migration V7): the account a command left is its
 * balance and version, the rest read from {@code accounts}, since an account's id, owner and
 * currency never change; the transfer it decided is a column each, its sender being the command's
 * account.
 */
final class CommandRows {

    /** What {@link #result(Row)} reads, in its order, from {@code commands c left join accounts a}. */
    static final String COLUMNS = "c.command_id, c.account_id, c.idempotency_key, c.request_hash, c.rejection, c.balance, c.version, "
            + "a.owner, a.currency, c.transfer_id, c.transfer_to, c.transfer_amount, c.transfer_currency, c.transfer_status, "
            + "c.transfer_reason, c.transfer_requested, c.transfer_reference";
    static final String FROM = "commands c left join accounts a on a.account_id = c.account_id";
    /** The columns {@link #result(Row)} reads: event partition and time follow them. */
    static final int COUNT = 17;

    private CommandRows() {
    }

    static CommandResult result(Row row) {
        var commandId = row.getString(0);
        var accountId = row.getString(1);
        var balance = row.getLong(5);
        var account = balance == null ? null : new Account(accountId, row.getString(7), row.getString(8), balance, row.getLong(6));
        var transferId = row.getString(9);
        var transfer = transferId == null ? null : new Transfer(transferId, accountId, row.getString(10), row.getLong(11),
                row.getString(12), TransferStatus.valueOf(row.getString(13)), rejection(row.getString(14)), row.getBoolean(15),
                row.getString(16));
        return new CommandResult(commandId, accountId, row.getString(2), row.getString(3), rejection(row.getString(4)), account,
                transfer);
    }

    /** The account a result holds, checked to be the command's own: only its balance and version are stored. */
    static Account account(CommandResult result) {
        var account = result.account();
        if (account != null && !account.accountId().equals(result.accountId())) {
            throw new IllegalArgumentException("a command's account is the one its event was keyed by: " + result);
        }
        return account;
    }

    /** The transfer a result holds, checked to be sent by the command's account: its sender is not stored. */
    static Transfer transfer(CommandResult result) {
        var transfer = result.transfer();
        if (transfer != null && !transfer.from().equals(result.accountId())) {
            throw new IllegalArgumentException("a command's transfer is sent by the account its event was keyed by: " + result);
        }
        return transfer;
    }

    private static Rejection rejection(String name) {
        return name == null ? null : Rejection.valueOf(name);
    }
}
