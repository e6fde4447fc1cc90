package dev.ledger.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** @param positions per partition, the offset of the next record the state does not reflect yet */
@RegisterForReflection
public record DigestBody(String mode, long accounts, long totalBalance, String digest, Map<String, Long> positions) {
}
