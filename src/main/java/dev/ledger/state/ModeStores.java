package dev.ledger.state;

import dev.ledger.config.LedgerConfig;
import dev.ledger.memory.InMemoryLedger;
import dev.ledger.persistence.PgLedgerQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** The API reads from the store of the mode chosen at startup; the other one is never created. */
@ApplicationScoped
public class ModeStores {

    @Produces
    @ApplicationScoped
    LedgerQueries queries(LedgerConfig config, Instance<InMemoryLedger> memory, Instance<PgLedgerQueries> postgres) {
        return config.mode() == LedgerConfig.Mode.GROUP ? postgres.get() : memory.get();
    }
}
