package dev.ledger.mode;

import dev.ledger.config.LedgerConfig;
import dev.ledger.group.GroupMode;
import dev.ledger.pipeline.LedgerMode;
import dev.ledger.pipeline.LedgerQueries;
import dev.ledger.replay.ReplayMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** The mode chosen once at startup from {@code LEDGER_MODE}; the other one is never created. */
@ApplicationScoped
public class ModeSelection {

    @Produces
    @ApplicationScoped
    LedgerMode mode(LedgerConfig config, Instance<ReplayMode> replay, Instance<GroupMode> group) {
        return config.mode() == LedgerConfig.Mode.GROUP ? group.get() : replay.get();
    }

    @Produces
    @ApplicationScoped
    LedgerQueries queries(LedgerMode mode) {
        return mode.queries();
    }
}
