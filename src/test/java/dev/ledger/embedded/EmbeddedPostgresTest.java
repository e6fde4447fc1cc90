package dev.ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    @Test
    void aFreshServerAnswersQueries() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.startFresh()) {
            assertThat(queryInt(postgres.jdbcUrl(), "select 1")).isEqualTo(1);
        }
    }

    @Test
    void aFreshServerDeletesItsDirectoryOnClose() {
        EmbeddedPostgres postgres = EmbeddedPostgres.startFresh();
        Path dir = postgres.dataDir();
        assertThat(dir.resolve("PG_VERSION")).exists();

        postgres.close();

        assertThat(dir).doesNotExist();
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.startFresh()) {
            assertThat(queryString(postgres.jdbcUrl(), "show listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(queryString(postgres.jdbcUrl(), "show unix_socket_directories")).isEmpty();
        }
    }

    @Test
    void rowsSurviveARestartOnTheSameDataDirectory(@TempDir Path tempDir) throws Exception {
        // A directory inside the temporary one, so that the log file beside it is deleted too.
        Path dataDir = tempDir.resolve("data");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.startOwned(dataDir)) {
            execute(postgres.jdbcUrl(), "create table kept (n int)");
            execute(postgres.jdbcUrl(), "insert into kept values (42)");
        }

        try (EmbeddedPostgres postgres = EmbeddedPostgres.startOwned(dataDir)) {
            assertThat(queryInt(postgres.jdbcUrl(), "select n from kept")).isEqualTo(42);
        }
    }

    @Test
    void theSharedServerOfADirectoryIsStartedOnlyOnce() throws Exception {
        // Not a @TempDir: the shared server runs until the JVM exits and must keep its files till then.
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "embedded-postgres-shared-");
        String jdbcUrl = EmbeddedPostgres.start(dataDir);

        assertThat(EmbeddedPostgres.start(dataDir)).isEqualTo(jdbcUrl);
        assertThat(EmbeddedPostgres.start(dataDir.resolve("..").resolve(dataDir.getFileName()))).isEqualTo(jdbcUrl);
        assertThat(queryInt(jdbcUrl, "select 1")).isEqualTo(1);
    }

    private static void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = connect(jdbcUrl); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int queryInt(String jdbcUrl, String sql) throws SQLException {
        return Integer.parseInt(queryString(jdbcUrl, sql));
    }

    private static String queryString(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = connect(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static Connection connect(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, EmbeddedPostgres.USER, EmbeddedPostgres.PASSWORD);
    }
}
