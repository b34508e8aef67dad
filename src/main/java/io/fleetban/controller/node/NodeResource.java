package io.fleetban.controller.node;

import io.fleetban.controller.audit.AuditTrail;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.auth.TokenRegistry;
import io.fleetban.controller.web.ApiException;
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
import java.util.Map;

@Path("/api/v1/nodes")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

    public record CreateRequest(String name) {
    }

    @Inject
    NodeService nodes;
    @Inject
    TokenRegistry tokens;
    @Inject
    AuditTrail audit;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(CreateRequest body, @Context ContainerRequestContext request) throws SQLException {
        if (body == null) {
            throw ApiException.badRequest("name", "body {\"name\":\"fs1\"} is required");
        }
        String token = nodes.create(body.name());
        audit.record(Caller.of(request), "node.create", body.name(), Map.of());
        return Response.status(Response.Status.CREATED)
                .entity(Map.of("name", body.name(), "token", token)).build();
    }

    /** Rotates the node's token: the old one stops working at once; the new one is shown once. */
    @POST
    @Path("/{name}/token")
    public Map<String, Object> rotate(@PathParam("name") String name, @Context ContainerRequestContext request)
            throws SQLException {
        String token = nodes.rotate(name);
        tokens.reload(); // committed: shut the old token out here now, not when the notification arrives
        audit.record(Caller.of(request), "node.rotate", name, Map.of());
        return Map.of("name", name, "token", token);
    }

    /** Revokes the node's token; the node is shut out until its token is rotated. */
    @DELETE
    @Path("/{name}/token")
    public Map<String, Object> revoke(@PathParam("name") String name, @Context ContainerRequestContext request)
            throws SQLException {
        int revoked = nodes.revoke(name);
        tokens.reload();
        audit.record(Caller.of(request), "node.revoke", name, Map.of("revoked", revoked));
        return Map.of("name", name, "revoked", revoked);
    }

    @DELETE
    @Path("/{name}")
    public Map<String, Object> delete(@PathParam("name") String name, @Context ContainerRequestContext request)
            throws SQLException {
        nodes.delete(name);
        tokens.reload();
        audit.record(Caller.of(request), "node.delete", name, Map.of());
        return Map.of("deleted", name);
    }

    @GET
    public Map<String, Object> list() throws SQLException {
        return Map.of("nodes", nodes.list().stream().map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("created", n.created());
            m.put("last_report", n.lastReport());
            m.put("last_seq", n.lastSeq());
            m.put("last_poll", n.lastPoll());
            m.put("cursor", n.cursor());
            m.put("cursor_lag", n.cursorLag());
            m.put("address", n.address());
            m.put("token_last_used", n.tokenLastUsed());
            return m;
        }).toList());
    }
}
