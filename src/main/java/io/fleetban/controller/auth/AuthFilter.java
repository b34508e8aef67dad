package io.fleetban.controller.auth;

import io.fleetban.controller.web.ApiError;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token authentication for every resource marked {@link Allowed}: no token or an unknown
 * one is 401, a token of the wrong role 403, both with the API's JSON error body.
 */
public class AuthFilter {

    private static final String BEARER = "Bearer ";

    @Inject
    TokenRegistry tokens;

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Allowed allowed = required(resource);
        if (allowed == null) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.length() == BEARER.length()) {
            return Uni.createFrom().item(unauthorized("missing bearer token (Authorization: Bearer TOKEN)"));
        }
        String token = header.substring(BEARER.length()).trim();
        Caller caller = tokens.find(token);
        if (caller != null || !tokens.mayLookUp()) {
            return Uni.createFrom().item(decide(request, allowed.value(), caller));
        }
        return Uni.createFrom().item(() -> decide(request, allowed.value(), tokens.lookUp(token)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Response decide(ContainerRequestContext request, Role role, Caller caller) {
        if (caller == null) {
            return unauthorized("unknown or revoked token");
        }
        if (caller.role() != role) {
            return error(Response.Status.FORBIDDEN,
                    "this endpoint needs a token of role " + role.wireName() + "; this one is " + caller.role().wireName());
        }
        request.setProperty(Caller.PROPERTY, caller);
        return null;
    }

    private static Allowed required(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return null;
        }
        Allowed onMethod = resource.getResourceMethod().getAnnotation(Allowed.class);
        return onMethod != null ? onMethod : resource.getResourceClass().getAnnotation(Allowed.class);
    }

    private static Response unauthorized(String message) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"fleetban\"")
                .type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(message, "Authorization"))
                .build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(message, null)).build();
    }
}
