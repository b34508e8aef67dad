package io.fleetban.controller.ban;

import io.fleetban.controller.audit.AuditTrail;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.web.ApiException;
import io.fleetban.controller.web.Params;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

@Path("/api/v1/bans")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class BanResource {

    public record BanRequest(String ip, String duration, String reason) {
    }

    @Inject
    BanService bans;
    @Inject
    AuditTrail audit;

    @GET
    public BanService.Page list(@QueryParam("jail") String jail, @QueryParam("q") String query,
                                @QueryParam("limit") String limit, @QueryParam("offset") String offset)
            throws SQLException {
        return bans.active(blankToNull(jail), blankToNull(query),
                (int) Params.integer(limit, "limit", 1, 1000, 100),
                (int) Params.integer(offset, "offset", 0, Integer.MAX_VALUE, 0));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response ban(BanRequest body, @Context ContainerRequestContext request) throws SQLException {
        if (body == null) {
            throw ApiException.badRequest("ip", "body {\"ip\":\"…\",\"duration\":\"1h\",\"reason\":\"…\"} is required");
        }
        BanLedger.Written w = bans.ban(body.ip(), body.duration(), body.reason(), Caller.of(request).name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("ip", w.ip().toString());
        m.put("jail", w.jail());
        m.put("expires", w.expiresAt());
        m.put("ttl", Math.max(0, Duration.between(Instant.now(), w.expiresAt()).getSeconds()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("duration", body.duration());
        details.put("reason", body.reason());
        details.put("expires", w.expiresAt().toString());
        audit.record(Caller.of(request), "ban", w.ip().toString(), details);
        return Response.status(Response.Status.CREATED).entity(m).build();
    }

    /** The ip URL-encoded; a range's slash may also stand as is (/api/v1/bans/198.51.100.0/24). */
    @DELETE
    @Path("/{ip: .+}")
    public Map<String, Object> unban(@PathParam("ip") String ip, @Context ContainerRequestContext request)
            throws SQLException {
        BanLedger.Lifted l = bans.unban(Params.slashDecoded(ip));
        audit.record(Caller.of(request), "unban", l.ip().toString(), Map.of("jail", l.jail()));
        return Map.of("unbanned", l.ip().toString(), "jail", l.jail());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
