package io.fleetban.controller.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /}: where to go from here, until the dashboard lands. */
@Path("/")
public class IndexResource {

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String index() {
        return """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fleetban</title></head>
                <body><h1>Fleetban controller</h1><ul>
                <li><a href="/q/health">/q/health</a> (live and ready)</li>
                <li><a href="/q/metrics">/q/metrics</a> (Prometheus)</li>
                <li><a href="/q/openapi">/q/openapi</a> (the API)</li>
                <li>/api/v1/status, /api/v1/bans, /api/v1/jails, /api/v1/allowlist, /api/v1/nodes (admin token)</li>
                <li>/api/v1/decisions, /v1/decisions/stream (agent token)</li>
                </ul></body></html>
                """;
    }
}
