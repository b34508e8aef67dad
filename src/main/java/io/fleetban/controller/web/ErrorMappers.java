package io.fleetban.controller.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as {@code {"error":"...","field":"..."}}: no HTML pages, no stack traces. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(e.getMessage(), e.field()));
        if (e.retryAfterSeconds() > 0) {
            r.header("Retry-After", e.retryAfterSeconds());
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[")
                : null;
        return json(400, "malformed JSON: " + e.getOriginalMessage(), field);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "cannot produce the requested media type";
            case 413 -> "request body too large";
            case 415 -> "unsupported media type; send application/json";
            default -> e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        };
        if (e.getCause() instanceof JsonProcessingException j) {
            return badJson(j);
        }
        return json(status, message, null);
    }

    @ServerExceptionMapper
    public Response database(SQLException e) {
        return unavailableOrInternal(e, e.getSQLState());
    }

    @ServerExceptionMapper
    public Response persistence(PersistenceException e) {
        Throwable t = e;
        while (t != null && !(t instanceof SQLException)) {
            t = t.getCause();
        }
        return unavailableOrInternal(e, t == null ? null : ((SQLException) t).getSQLState());
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response other(Throwable e) {
        LOG.error("internal error", e);
        return json(500, "internal error (see the controller's log)", null);
    }

    /**
     * The database being down, restarting or out of connections is a 503 with Retry-After, so
     * agents back off and spool; anything else is our bug.
     */
    private static Response unavailableOrInternal(Exception e, String sqlState) {
        boolean unavailable = sqlState == null // Agroal's acquisition timeout carries no state
                || sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.startsWith("53");
        if (unavailable) {
            LOG.warnf("database unavailable: %s", e.getMessage());
            return Response.status(503).header("Retry-After", "5").type(MediaType.APPLICATION_JSON)
                    .entity(new ApiError("database unavailable, retry later", null)).build();
        }
        LOG.error("database error", e);
        return json(500, "internal error (see the controller's log)", null);
    }

    static Response json(int status, String message, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(message, field)).build();
    }
}
