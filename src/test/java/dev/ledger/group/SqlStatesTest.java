package dev.ledger.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SqlStatesTest {

    @Test
    void postgresAnswerIsFoundAmongTheCauses() {
        var wrapped = new CompletionException(new PgException("value too long", "ERROR", "22001", null));

        assertThat(SqlStates.of(wrapped)).isEqualTo("22001");
        assertThat(SqlStates.inClass(wrapped, Set.of("22", "23"))).isTrue();
        assertThat(SqlStates.inClass(wrapped, Set.of("08"))).isFalse();
    }

    @Test
    void aFailureThatPostgresNeverAnsweredHasNoSqlState() {
        var lost = new IOException("Connection reset");

        assertThat(SqlStates.of(lost)).isNull();
        assertThat(SqlStates.inClass(lost, Set.of("08"))).isFalse();
    }
}
