package io.fleetban.controller.report;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses an oversized report from its Content-Length, before a byte of it is buffered, with the
 * API's JSON error (the HTTP layer's own limit, quarkus.http.limits.max-body-size, answers bodies
 * without a length).
 */
@ApplicationScoped
public class ReportSizeLimit {

    void install(@Observes Router router) {
        router.route(HttpMethod.POST, "/api/v1/reports").order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && tooLong(length)) {
                ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close")
                        .end("{\"error\":\"report body is " + length + " bytes; at most " + ReportResource.MAX_BODY
                                + "\",\"field\":\"body\"}");
                return;
            }
            ctx.next();
        });
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > ReportResource.MAX_BODY;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer rejects a malformed length itself
        }
    }
}
