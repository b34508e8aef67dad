package io.fleetban.controller.audit;

import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.web.Params;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;

/** {@code GET /api/v1/audit?actor=&action=&q=&limit=&offset=}: the audit trail, newest first. */
@Path("/api/v1/audit")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditTrail trail;

    @GET
    public AuditTrail.Page list(@QueryParam("actor") String actor, @QueryParam("action") String action,
                                @QueryParam("q") String query, @QueryParam("limit") String limit,
                                @QueryParam("offset") String offset) throws SQLException {
        return trail.list(blankToNull(actor), blankToNull(action), blankToNull(query),
                (int) Params.integer(limit, "limit", 1, 1000, 100),
                (int) Params.integer(offset, "offset", 0, Integer.MAX_VALUE, 0));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
