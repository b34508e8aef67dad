package io.fleetban.controller.ban;

import io.fleetban.controller.audit.AuditTrail;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Map;

/** The ban-storm breaker: {@code GET} to see it, {@code POST …/confirm} to let automatic bans flow again. */
@Path("/api/v1/breaker")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class BreakerResource {

    @Inject
    BanStormBreaker breaker;
    @Inject
    AuditTrail audit;

    @GET
    public BanStormBreaker.State state() throws SQLException {
        return breaker.state();
    }

    @POST
    @Path("/confirm")
    public BanStormBreaker.State confirm(@Context ContainerRequestContext request) throws SQLException {
        long held = breaker.state().held();
        BanStormBreaker.State state = breaker.confirm(Caller.of(request).name());
        audit.record(Caller.of(request), "breaker.confirm", null, Map.of("held", held));
        return state;
    }
}
