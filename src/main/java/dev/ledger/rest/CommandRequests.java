package dev.ledger.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.ledger.domain.LedgerEvent;
import dev.ledger.domain.Payload;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Builds the event for a client's request. With an Idempotency-Key, ids are derived from the key:
 * a retry sent to any instance, even before the first attempt is applied, names the same command
 * and the same new account or transfer, so the rules apply it once. The command id also names the
 * account, so that the rules, which see one partition at a time, decide a retry by that account's
 * events alone; a key reused on another account is refused here, from the key index.
 *
 * <p>Without a key, the ids are time-ordered UUIDs (version 7), not random ones: group mode's
 * {@code commands} table is keyed by (command id, account), and a batch's new ids then fall on the
 * last pages of that index instead of anywhere in it. With random ids the index outgrew PostgreSQL's buffers and
 * its insert took a quarter of a catch-up's database time (BENCHMARKS.md, stop 35).
 */
@ApplicationScoped
public class CommandRequests {

    private final ObjectMapper json;
    private final Clock clock;

    CommandRequests(ObjectMapper json) {
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /** A request as the client sent it: the key (or null), what it targets, and its body. */
    record Request(String idempotencyKey, String method, String path, Object body) {

        private static final TimeBasedEpochGenerator TIME_ORDERED = Generators.timeBasedEpochGenerator();

        String commandId(String accountId) {
            return derivedId("command\n" + accountId);
        }

        /** The id the server gives a new account or transfer the client left unnamed. */
        String newId(String given) {
            return given != null ? given : derivedId("new-entity");
        }

        private String derivedId(String purpose) {
            return idempotencyKey == null ? TIME_ORDERED.generate().toString()
                    : UUID.nameUUIDFromBytes((purpose + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    LedgerEvent event(Request request, String accountId, Payload payload) {
        return new LedgerEvent(UUID.randomUUID().toString(), accountId, request.commandId(accountId), clock.instant(),
                request.idempotencyKey(), fingerprint(request), payload);
    }

    /** SHA-256 of the method, path and body: "the same request" for an idempotency key. Null without a key. */
    private String fingerprint(Request request) {
        if (request.idempotencyKey() == null) {
            return null;
        }
        try {
            var sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((request.method() + ' ' + request.path() + '\n').getBytes(StandardCharsets.UTF_8));
            sha256.update(json.writeValueAsBytes(request.body()));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("request bodies are plain records and SHA-256 is always there", e);
        }
    }
}
