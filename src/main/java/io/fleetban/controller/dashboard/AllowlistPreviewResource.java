package io.fleetban.controller.dashboard;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.allowlist.AllowlistEntry;
import io.fleetban.controller.allowlist.AllowlistService;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.net.Cidr;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /api/v1/allowlist/preview?value=…}: what adding this allowlist entry would do, before
 * it is added — how many active bans it would lift (and the first of them), what a DNS name
 * resolves to, and whether it is listed already. Invalid values are a 400 naming {@code value},
 * exactly as the add itself would answer.
 */
@Path("/api/v1/allowlist/preview")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AllowlistPreviewResource {

    private static final int LISTED = 20;

    public record Preview(String value, String kind, List<String> networks, boolean exists, long lifts,
                          List<String> bans) {
    }

    @Inject
    AgroalDataSource dataSource;

    @GET
    public Preview preview(@QueryParam("value") String value) throws SQLException {
        AllowlistEntry e = AllowlistService.parse(value, "value");
        List<Cidr> networks = new ArrayList<>();
        if ("dns".equals(e.kind)) {
            String[] resolved = AllowlistService.resolve(e.value);
            if (resolved.length == 0) {
                throw ApiException.badRequest("value", "'" + e.value + "' does not resolve to any address");
            }
            Arrays.stream(resolved).map(Cidr::parse).forEach(networks::add);
        } else {
            networks.add(Cidr.parse(e.value));
        }
        Object[] nets = networks.stream().map(Cidr::toString).toArray();
        try (Connection c = dataSource.getConnection()) {
            long lifts;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FROM bans
                     WHERE lifted_at IS NULL AND expires_at > now() AND ip && ANY (?::cidr[])""")) {
                ps.setArray(1, c.createArrayOf("text", nets));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    lifts = rs.getLong(1);
                }
            }
            List<String> bans = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT ip::text FROM bans
                     WHERE lifted_at IS NULL AND expires_at > now() AND ip && ANY (?::cidr[])
                     ORDER BY bans.ip LIMIT ?""")) {
                ps.setArray(1, c.createArrayOf("text", nets));
                ps.setInt(2, LISTED);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        bans.add(Cidr.parse(rs.getString(1)).toString());
                    }
                }
            }
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM allowlist WHERE value = ?")) {
                ps.setString(1, e.value);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            return new Preview(e.value, e.kind, networks.stream().map(Cidr::toString).toList(), exists, lifts, bans);
        }
    }
}
