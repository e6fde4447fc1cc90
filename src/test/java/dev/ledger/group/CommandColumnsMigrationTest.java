package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database written by a release that kept command results as JSON (before V7) keeps every
 * result once migrated: the same balance, version and transfer, now in columns.
 */
class CommandColumnsMigrationTest {

    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase();

    @Test
    void commandResultsWrittenAsJsonAreReadFromColumnsAfterMigrating() throws SQLException {
        migrate("6");
        try (var connection = database.connect(); var statement = connection.createStatement()) {
            statement.execute("insert into commands (command_id, account_id, idempotency_key, request_hash, rejection, "
                    + "account_snapshot, transfer_snapshot) values "
                    + "('deposit', 'alice', 'key-1', 'hash-1', null, "
                    + "'{\"accountId\":\"alice\",\"owner\":\"Alice\",\"currency\":\"EUR\",\"balance\":150,\"version\":3}', null), "
                    + "('transfer', 'alice', null, null, 'INSUFFICIENT_FUNDS', null, "
                    + "'{\"transferId\":\"t-1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":900,\"currency\":\"EUR\","
                    + "\"status\":\"REJECTED\",\"reason\":\"INSUFFICIENT_FUNDS\",\"requested\":true,\"reference\":\"rent\"}'), "
                    + "('missing', 'nobody', null, null, 'ACCOUNT_NOT_FOUND', null, null)");
        }

        migrate(null);

        try (var connection = database.connect(); var statement = connection.createStatement()) {
            var rows = statement.executeQuery("select command_id, balance, version, transfer_id, transfer_to, transfer_amount, "
                    + "transfer_currency, transfer_status, transfer_reason, transfer_requested, transfer_reference, rejection, "
                    + "idempotency_key, request_hash from commands order by command_id");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("deposit");
            assertThat(rows.getLong(2)).isEqualTo(150);
            assertThat(rows.getLong(3)).isEqualTo(3);
            assertThat(rows.getString(4)).isNull();
            assertThat(rows.getString(13)).isEqualTo("key-1");
            assertThat(rows.getString(14)).isEqualTo("hash-1");

            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("missing");
            assertThat(rows.getObject(2)).isNull();
            assertThat(rows.getString(4)).isNull();
            assertThat(rows.getString(12)).isEqualTo("ACCOUNT_NOT_FOUND");

            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("transfer");
            assertThat(rows.getObject(2)).isNull();
            assertThat(rows.getString(4)).isEqualTo("t-1");
            assertThat(rows.getString(5)).isEqualTo("bob");
            assertThat(rows.getLong(6)).isEqualTo(900);
            assertThat(rows.getString(7)).isEqualTo("EUR");
            assertThat(rows.getString(8)).isEqualTo("REJECTED");
            assertThat(rows.getString(9)).isEqualTo("INSUFFICIENT_FUNDS");
            assertThat(rows.getBoolean(10)).isTrue();
            assertThat(rows.getString(11)).isEqualTo("rent");
            assertThat(rows.getString(12)).isEqualTo("INSUFFICIENT_FUNDS");
            assertThat(rows.next()).isFalse();
        }
    }

    /** Up to {@code target}, or to the newest migration when null. */
    private void migrate(String target) {
        var flyway = database.flyway();
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
    }
}
