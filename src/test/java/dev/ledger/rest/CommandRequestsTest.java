package dev.ledger.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CommandRequestsTest {

    private static CommandRequests.Request request(String idempotencyKey) {
        return new CommandRequests.Request(idempotencyKey, "POST", "/accounts/alice/deposits", Map.of("amount", 5));
    }

    @Test
    void idsNamedWithoutAKeyAreTimeOrderedUuidsInTheOrderNamed() {
        var first = request(null).commandId("alice");
        var second = request(null).commandId("alice");
        var transfer = request(null).newId(null);

        assertThat(UUID.fromString(first).version()).isEqualTo(7);
        assertThat(UUID.fromString(transfer).version()).isEqualTo(7);
        // Text order is the index's order: a later id sorts after an earlier one.
        assertThat(second).isGreaterThan(first);
        assertThat(transfer).isGreaterThan(second);
    }

    @Test
    void idsNamedWithAKeyAreDerivedFromItAndTheAccount() {
        var id = request("key-1").commandId("alice");

        assertThat(request("key-1").commandId("alice")).isEqualTo(id);
        assertThat(request("key-1").commandId("bob")).isNotEqualTo(id);
        assertThat(request("key-2").commandId("alice")).isNotEqualTo(id);
        assertThat(UUID.fromString(id).version()).isEqualTo(3);
    }

    @Test
    void aNameTheClientGaveIsKept() {
        assertThat(request(null).newId("t-1")).isEqualTo("t-1");
        assertThat(request("key-1").newId("t-1")).isEqualTo("t-1");
    }
}
