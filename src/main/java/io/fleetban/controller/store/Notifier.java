package io.fleetban.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Announces a change to every replica; delivered when (and only if) the transaction commits. */
public final class Notifier {

    private Notifier() {
    }

    public static void notify(Connection c, Change change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, Change.CHANNEL);
            ps.setString(2, change.payload());
            ps.execute();
        }
    }
}
