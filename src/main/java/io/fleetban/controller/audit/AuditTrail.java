package io.fleetban.controller.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.auth.Caller;
import io.fleetban.core.net.IpAddress;
import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who did what through the admin API, in PostgreSQL: written after an action succeeded, by the
 * replica that served it, with the token's name and the address the request came from.
 */
@ApplicationScoped
public class AuditTrail {

    public record Entry(String id, java.time.Instant at, String actor, String action, String target,
                        JsonNode details, String address) {
    }

    public record Page(long total, List<Entry> entries) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ObjectMapper json;

    /** Records {@code action} on {@code target} by the caller; details become a JSON object. */
    public void record(Caller caller, String action, String target, Map<String, ?> details) throws SQLException {
        String detailsJson;
        try {
            detailsJson = json.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details of " + action + " are not JSON", e);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO audit_log (actor, action, target, details, address)
                     VALUES (?, ?, ?, ?::jsonb, ?::inet)""")) {
            ps.setString(1, caller == null ? "unknown" : caller.name());
            ps.setString(2, action);
            ps.setString(3, target);
            ps.setString(4, detailsJson);
            ps.setString(5, remoteAddress());
            ps.executeUpdate();
        }
    }

    /** Newest first; {@code action} matches exactly or as a prefix ending in a dot ("node." for all node actions). */
    public Page list(String actor, String action, String query, int limit, int offset) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (actor != null) {
            where.append(" AND actor = ?");
            params.add(actor);
        }
        if (action != null) {
            where.append(action.endsWith(".") ? " AND starts_with(action, ?)" : " AND action = ?");
            params.add(action);
        }
        if (query != null) {
            where.append(" AND strpos(coalesce(target, ''), ?) > 0");
            params.add(query);
        }
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_log" + where)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Entry> entries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id::text, at, actor, action, target, details::text, host(address) FROM audit_log" + where
                            + " ORDER BY at DESC, id LIMIT " + limit + " OFFSET " + offset)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                                rs.getString(4), rs.getString(5), json.readTree(rs.getString(6)), rs.getString(7)));
                    }
                } catch (IOException e) {
                    throw new SQLException("unreadable audit details", e);
                }
            }
            return new Page(total, entries);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    /** The address of the request being served, when there is one and it is an IP. */
    private static String remoteAddress() {
        if (!Arc.container().requestContext().isActive()) {
            return null;
        }
        RoutingContext rc = Arc.container().instance(CurrentVertxRequest.class).get().getCurrent();
        SocketAddress remote = rc == null ? null : rc.request().remoteAddress();
        if (remote == null || remote.host() == null) {
            return null;
        }
        try {
            return IpAddress.parse(remote.host()).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
