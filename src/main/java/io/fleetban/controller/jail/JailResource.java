package io.fleetban.controller.jail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetban.controller.audit.AuditTrail;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.jail.JailPolicy;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Path("/api/v1/jails")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class JailResource {

    @Inject
    JailService service;
    @Inject
    AuditTrail audit;

    @GET
    public Map<String, List<Map<String, Object>>> list() {
        return Map.of("jails", Jail.<Jail>listAll().stream().map(j -> view(j.policy()))
                .sorted((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name"))).toList());
    }

    @GET
    @Path("/{name}")
    public Map<String, Object> get(@PathParam("name") String name) {
        Jail j = Jail.findById(name);
        if (j == null) {
            throw ApiException.notFound("no jail named '" + name + "'");
        }
        return view(j.policy());
    }

    @PUT
    @Path("/{name}")
    public Map<String, Object> put(@PathParam("name") String name, JsonNode body,
                                   @Context ContainerRequestContext request) throws SQLException {
        boolean exists = Jail.findById(name) != null;
        Map<String, Object> view = view(service.put(name, body));
        audit.record(Caller.of(request), exists ? "jail.update" : "jail.create", name, Map.of("changes", body));
        return view;
    }

    /** fail2ban's names for the settings; durations in seconds. */
    static Map<String, Object> view(JailPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("kinds", p.kinds().stream().map(FailureKind::wireName).sorted().toList());
        m.put("maxretry", p.maxretry());
        m.put("findtime", p.findtime().getSeconds());
        m.put("bantime", p.bantime().getSeconds());
        m.put("bantime.increment", p.increment());
        m.put("bantime.factor", p.incrementFactor());
        m.put("bantime.maxtime", p.incrementMax().getSeconds());
        m.put("enabled", p.enabled());
        return m;
    }
}
