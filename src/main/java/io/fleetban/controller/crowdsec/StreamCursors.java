package io.fleetban.controller.crowdsec;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where each key's CrowdSec stream stopped: kept in PostgreSQL beside the token, so a bouncer
 * that polls one replica and then another still gets each change exactly once.
 */
@ApplicationScoped
public class StreamCursors {

    @Inject
    AgroalDataSource dataSource;

    /** The cursor of this key's previous request, or null before its first one. */
    public Long get(byte[] tokenHash) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT stream_cursor FROM tokens WHERE hash = ?")) {
            ps.setBytes(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null ? rs.getLong(1) : null;
            }
        }
    }

    public void set(byte[] tokenHash, long cursor) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE tokens SET stream_cursor = ? WHERE hash = ?")) {
            ps.setLong(1, cursor);
            ps.setBytes(2, tokenHash);
            ps.executeUpdate();
        }
    }
}
