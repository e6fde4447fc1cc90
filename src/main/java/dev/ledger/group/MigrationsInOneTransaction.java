package dev.ledger.group;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Applies all pending migrations in one transaction: an upgrade lands whole or not at all, and a
 * first start on an empty database commits once rather than once per migration. A migration must
 * therefore be transactional: PostgreSQL's {@code create index concurrently}, for one, is not.
 */
@Singleton
public class MigrationsInOneTransaction implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.group(true);
    }
}
