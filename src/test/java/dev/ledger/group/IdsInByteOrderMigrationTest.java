package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group mode's ids compare byte by byte, as replay mode and the digest order them, whatever the
 * database's own collation (V10). Under an en-US collation its listing of accounts put {@code acc_a}
 * before {@code acc-B}, where replay mode puts it after, and its digest sorted every account.
 */
class IdsInByteOrderMigrationTest {

    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase();

    @Test
    void everyIndexedTextColumnComparesInByteOrder() throws SQLException {
        database.flyway().load().migrate();

        assertThat(indexedTextColumns("coll.collname <> 'C'")).isEmpty();
        assertThat(indexedTextColumns("true")).as("the columns checked").contains("accounts.account_id", "commands.command_id",
                "commands.idempotency_key", "transfers.from_account", "applied_follow_ups.event_id", "pending_follow_ups.event_id");
    }

    @Test
    void theDigestReadsAccountsInTheIndexsOrderWithoutSortingThem() throws SQLException {
        database.flyway().load().migrate();

        // The digest's query (PgLedgerQueries); before V10 it sorted every account on each request.
        assertThat(plan("select account_id, balance, version from accounts order by account_id collate \"C\""))
                .contains("Index Scan using accounts_pkey").doesNotContain("Sort");
    }

    /** Table and column of every text key column of an index in the schema, filtered by {@code condition}. */
    private List<String> indexedTextColumns(String condition) throws SQLException {
        var columns = new ArrayList<String>();
        try (var connection = database.connect(); var statement = connection.createStatement();
                var rows = statement.executeQuery("select distinct c.relname || '.' || a.attname from pg_index i "
                        + "join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace "
                        + "join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey) "
                        + "join pg_collation coll on coll.oid = a.attcollation "
                        + "where n.nspname = current_schema() and a.atttypid = 'text'::regtype and " + condition)) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        return columns;
    }

    /** The plan of {@code sql} as on a large table, where reading the whole table is not the cheaper way. */
    private String plan(String sql) throws SQLException {
        var plan = new StringBuilder();
        try (var connection = database.connect(); var statement = connection.createStatement()) {
            statement.execute("set enable_seqscan = off");
            try (var rows = statement.executeQuery("explain " + sql)) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
