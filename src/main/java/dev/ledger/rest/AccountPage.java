package dev.ledger.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** @param next the id to pass as {@code after} for the following page; null on the last page */
@RegisterForReflection
public record AccountPage(List<AccountBody> items, String next) {
}
