package io.fleetban.controller.allowlist;

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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Path("/api/v1/allowlist")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AllowlistResource {

    public record AddRequest(String value, String note) {
    }

    @Inject
    AllowlistService service;
    @Inject
    AuditTrail audit;

    @GET
    public Map<String, Object> list() {
        return Map.of("allowlist", AllowlistEntry.<AllowlistEntry>listAll().stream()
                .sorted((a, b) -> a.value.compareTo(b.value)).map(AllowlistResource::view).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(AddRequest body, @Context ContainerRequestContext request) throws SQLException {
        if (body == null) {
            throw ApiException.badRequest("value", "body {\"value\":\"…\",\"note\":\"…\"} is required");
        }
        AllowlistService.Added added = service.add(body.value(), body.note(), Caller.of(request).name());
        Map<String, Object> view = view(added.entry());
        view.put("lifted", added.lifted().stream().map(l -> l.ip().toString()).toList());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("note", body.note());
        details.put("lifted", added.lifted().size());
        audit.record(Caller.of(request), "allowlist.add", added.entry().value, details);
        return Response.status(Response.Status.CREATED).entity(view).build();
    }

    /** The value URL-encoded; a CIDR's slash may also stand as is. */
    @DELETE
    @Path("/{value: .+}")
    public Map<String, Object> remove(@PathParam("value") String value, @Context ContainerRequestContext request)
            throws SQLException {
        String v = Params.slashDecoded(value);
        service.remove(v);
        String removed = AllowlistService.parse(v, "value").value;
        audit.record(Caller.of(request), "allowlist.remove", removed, Map.of());
        return Map.of("removed", removed);
    }

    static Map<String, Object> view(AllowlistEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", e.value);
        m.put("kind", e.kind);
        m.put("note", e.note);
        m.put("resolved", "dns".equals(e.kind) ? List.of(e.resolved) : null);
        m.put("created", e.createdAt);
        m.put("created_by", e.createdBy);
        return m;
    }
}
