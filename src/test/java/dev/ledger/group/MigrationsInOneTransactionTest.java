package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An upgrade lands whole or not at all: pending migrations share one transaction. */
class MigrationsInOneTransactionTest {

    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase();

    @Test
    void anUpgradeThatFailsPartWayLeavesTheSchemaAsItWas() throws SQLException {
        configuration().target("6").load().migrate();
        // V8 creates this index: the upgrade from 6 fails there, after V7 has run.
        execute("create index pending_follow_ups_due on pending_follow_ups (source_partition)");

        assertThatThrownBy(() -> configuration().load().migrate()).isInstanceOf(FlywayException.class);

        assertThat(query("select max(version::int) from flyway_schema_history where success")).isEqualTo("6");
        assertThat(query("select count(*) from information_schema.columns where table_name = 'commands' and column_name = 'balance'"))
                .as("V7's columns").isEqualTo("0");
    }

    private FluentConfiguration configuration() {
        var configuration = database.flyway();
        new MigrationsInOneTransaction().customize(configuration);
        return configuration;
    }

    private void execute(String sql) throws SQLException {
        try (var connection = database.connect(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private String query(String sql) throws SQLException {
        try (var connection = database.connect(); var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
