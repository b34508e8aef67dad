package io.fleetban.controller.report;

import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.web.ApiException;
import io.fleetban.controller.node.NodeService;
import io.micrometer.core.annotation.Timed;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;

@Path("/api/v1/reports")
@Allowed(Role.AGENT)
public class ReportResource {

    /** API.md: a report body is at most 4 MiB. */
    static final int MAX_BODY = 4 * 1024 * 1024;

    @Inject
    ReportService reports;
    @Inject
    NodeService nodes;
    @Inject
    ReportRateLimit limit;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Timed(value = "fleetban_report_seconds", histogram = true, description = "report ingestion latency")
    public ReportService.Outcome report(byte[] body, @Context ContainerRequestContext request,
                                        @Context HttpServerRequest http) throws SQLException {
        if (body.length > MAX_BODY) {
            throw new ApiException(413, "report body is " + body.length + " bytes; at most " + MAX_BODY, "body");
        }
        Caller caller = Caller.of(request);
        limit.take(caller.node());
        Report report = reports.parse(body);
        if (!report.node().equals(caller.node())) {
            throw new ApiException(403, "this token belongs to node '" + caller.node()
                    + "', not '" + report.node() + "'", "node");
        }
        nodes.seen(caller.node(), http.remoteAddress().host());
        return reports.ingest(report);
    }
}
