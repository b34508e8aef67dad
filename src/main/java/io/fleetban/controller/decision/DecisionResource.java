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
import io.fleetban.core.firewall.Ban;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.firewall.RuleFormat;
import io.fleetban.core.firewall.Rulesets;
import io.fleetban.core.net.Cidr;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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

    private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();

    @GET
    public Uni<Response> decisions(@QueryParam("since") String since, @QueryParam("wait") String wait,
                                   @QueryParam("format") String format, @QueryParam("ports") String ports,
                                   @Context ContainerRequestContext request, @Context HttpServerRequest http) {
        long cursor = Params.integer(since, "since", 0, Long.MAX_VALUE, 0);
        long seconds = Params.integer(wait, "wait", 0, config.feed().maxWait(), 0);
        RuleFormat rules = format == null || format.isEmpty() || format.equals("json") ? null : ruleFormat(format);
        FirewallOptions options = firewallOptions(ports);
        if (!feed.ready()) {
            throw new ApiException(503, "the decision feed is still loading", null);
        }
        String node = Caller.of(request).node();
        nodes.polled(node, cursor);
        nodes.seen(node, http.remoteAddress().host());
        if (seconds == 0) {
            return feed.await(cursor, Duration.ZERO).map(d -> respond(d, rules, options));
        }
        AtomicInteger mine = waiting.computeIfAbsent(node, n -> new AtomicInteger());
        if (mine.incrementAndGet() > config.feed().maxWaitersPerNode()) {
            mine.decrementAndGet();
            throw ApiException.tooManyRequests("node '" + node + "' already holds "
                    + config.feed().maxWaitersPerNode() + " long-polls open here", 1);
        }
        return feed.await(cursor, Duration.ofSeconds(seconds))
                .onTermination().invoke(mine::decrementAndGet)
                .map(d -> respond(d, rules, options));
    }

    private static Response respond(DecisionFeed.Decisions d, RuleFormat rules, FirewallOptions options) {
        return Response.ok(rules == null ? json(d) : rules(rules, d, options),
                        rules == null ? MediaType.APPLICATION_JSON : MediaType.TEXT_PLAIN)
                .header(CURSOR_HEADER, d.cursor())
                .build();
    }

    private static FirewallOptions firewallOptions(String ports) {
        try {
            return ports == null || ports.isEmpty() ? FirewallOptions.defaults()
                    : FirewallOptions.defaults().withPorts(FirewallOptions.parsePorts(ports));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("ports", e.getMessage());
        }
    }

    private static RuleFormat ruleFormat(String format) {
        try {
            return RuleFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("format", e.getMessage() + "; formats: json, nft, iptables, ipset");
        }
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

    /** Rules rendered by core for {@code nft -f}, {@code ipset restore} or {@code iptables-restore}. */
    static byte[] rules(RuleFormat format, DecisionFeed.Decisions d, FirewallOptions options) {
        Instant now = Instant.now();
        List<Ban> bans = d.bans().stream().map(a -> new Ban(a.ip(), ttl(a, now))).toList();
        List<Cidr> unbans = d.unbans().stream().map(DecisionFeed.Active::ip).toList();
        return Rulesets.render(format, d.full(), bans, unbans, options).getBytes(StandardCharsets.UTF_8);
    }
}
