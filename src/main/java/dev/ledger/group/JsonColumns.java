package dev.ledger.group;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.domain.Account;
import dev.ledger.domain.CommandResult;
import dev.ledger.domain.Rejection;
import dev.ledger.domain.Transfer;
import dev.ledger.domain.TransferStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Command results as rows: the account or transfer a command left behind is kept as JSON text. */
@RegisterForReflection(targets = {Account.class, Transfer.class, CommandResult.class, TransferStatus.class, Rejection.class})
final class JsonColumns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonColumns() {
    }

    static String write(Object snapshot) {
        try {
            return snapshot == null ? null : JSON.writeValueAsString(snapshot);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("domain records always serialise", e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return json == null ? null : JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a snapshot this service wrote is unreadable", e);
        }
    }

    static CommandResult toResult(String commandId, String accountId, String idempotencyKey, String requestHash,
                                  String rejection, String account, String transfer) {
        return new CommandResult(commandId, accountId, idempotencyKey, requestHash,
                rejection == null ? null : Rejection.valueOf(rejection), read(account, Account.class), read(transfer, Transfer.class));
    }
}
