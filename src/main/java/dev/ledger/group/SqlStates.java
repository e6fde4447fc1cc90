package dev.ledger.group;

import io.vertx.pgclient.PgException;
import java.util.Set;

/** What PostgreSQL's answer says about a failure: its SQLSTATE, or the class of it (the first two characters). */
final class SqlStates {

    private SqlStates() {
    }

    /** The SQLSTATE of the first PostgreSQL error among {@code failure} and its causes, or null. */
    static String of(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException answered && answered.getSqlState() != null) {
                return answered.getSqlState();
            }
        }
        return null;
    }

    /** Whether PostgreSQL answered {@code failure} with a SQLSTATE of one of {@code classes}. */
    static boolean inClass(Throwable failure, Set<String> classes) {
        var state = of(failure);
        return state != null && state.length() == 5 && classes.contains(state.substring(0, 2));
    }
}
