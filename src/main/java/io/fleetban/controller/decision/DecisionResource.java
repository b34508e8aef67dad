package io.fleetban.controller.decision;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.node.NodeService;
import io.fleetban.controller.web.ApiException;
import io.fleetban.controller.web.Params;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /api/v1/decisions}: the bans for agents, as a snapshot or the changes after a cursor,
 * optionally long-polled; JSON, or rules rendered by core for {@code nft -f} / iptables / ipset.
 */
@Path("/api/v1/decisions")
@Allowed(Role.AGENT)
public class DecisionResource {

    public static final String CURSOR_HEADER = "X-Fleetban-Cursor";
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    DecisionFeed feed;
    @Inject
    NodeService nodes;
    @Inject
    FleetbanConfig config;

    @GET
    public Uni<Response> decisions(@QueryParam("since") String since, @QueryParam("wait") String wait,
                                   @QueryParam("format") String format, @Context ContainerRequestContext request) {
        long cursor = Params.integer(since, "since", 0, Long.MAX_VALUE, 0);
        long seconds = Params.integer(wait, "wait", 0, config.feed().maxWait(), 0);
        DecisionFormat f = DecisionFormat.parse(format);
        if (!feed.ready()) {
            throw new ApiException(503, "the decision feed is still loading", null);
        }
        nodes.polled(Caller.of(request).node(), cursor);
        return feed.await(cursor, Duration.ofSeconds(seconds))
                .map(d -> Response.ok(f.render(d), f.mediaType())
                        .header(CURSOR_HEADER, d.cursor())
                        .build());
    }

    /** {@code {"cursor":123,"full":true,"bans":[{"ip":…,"ttl":…,"jail":…}],"unbans":[…]}}. */
    static byte[] json(DecisionFeed.Decisions d) {
        Instant now = Instant.now();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + d.bans().size() * 48);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("cursor", d.cursor());
            g.writeBooleanField("full", d.full());
            g.writeArrayFieldStart("bans");
            for (DecisionFeed.Active a : d.bans()) {
                g.writeStartObject();
                g.writeStringField("ip", a.ip().toString());
                g.writeNumberField("ttl", ttl(a, now));
                g.writeStringField("jail", a.jail());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("unbans");
            for (DecisionFeed.Active a : d.unbans()) {
                g.writeString(a.ip().toString());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Whole seconds left, at least 1 for a ban that has not expired yet. */
    static long ttl(DecisionFeed.Active a, Instant now) {
        return Math.max(1, Duration.between(now, a.expiresAt()).getSeconds());
    }

    enum DecisionFormat {
        JSON_FORMAT(MediaType.APPLICATION_JSON);

        private final String mediaType;

        DecisionFormat(String mediaType) {
            this.mediaType = mediaType;
        }

        static DecisionFormat parse(String s) {
            if (s == null || s.isEmpty() || s.equals("json")) {
                return JSON_FORMAT;
            }
            throw ApiException.badRequest("format", "format must be json, nft, iptables or ipset");
        }

        String mediaType() {
            return mediaType;
        }

        byte[] render(DecisionFeed.Decisions d) {
            return json(d);
        }
    }
}
