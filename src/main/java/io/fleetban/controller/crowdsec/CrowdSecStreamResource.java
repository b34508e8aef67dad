package io.fleetban.controller.crowdsec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetban.controller.auth.Caller;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.auth.TokenRegistry;
import io.fleetban.controller.decision.DecisionFeed;
import io.fleetban.controller.node.NodeService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * CrowdSec's LAPI {@code GET /v1/decisions/stream}, so an unmodified crowdsec-firewall-bouncer
 * enforces Fleetban's bans. It speaks CrowdSec's dialect on purpose: {@code X-Api-Key}, a 403
 * {@code {"message":"access forbidden"}}, JSON {@code null} for empty lists, Go durations, and a
 * server-side cursor per key.
 */
@Path("/v1/decisions/stream")
public class CrowdSecStreamResource {

    public static final String ORIGIN = "fleetban";
    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    TokenRegistry tokens;
    @Inject
    DecisionFeed feed;
    @Inject
    StreamCursors cursors;
    @Inject
    NodeService nodes;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response stream(@HeaderParam("X-Api-Key") String key,
                           @QueryParam("startup") String startup,
                           @QueryParam("scopes") String scopes,
                           @QueryParam("origins") String origins,
                           @QueryParam("scenarios_containing") String containing,
                           @QueryParam("scenarios_not_containing") String notContaining,
                           @Context HttpServerRequest http) throws SQLException {
        Caller caller = key == null || key.isEmpty() ? null : tokens.find(key);
        if (caller == null && key != null && !key.isEmpty() && tokens.mayLookUp()) {
            caller = tokens.lookUp(key);
        }
        if (caller == null || caller.role() != Role.AGENT) {
            return Response.status(403).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("message", "access forbidden")).build();
        }
        Long previous = "true".equals(startup) ? null : cursors.get(caller.tokenHash());
        DecisionFeed.Decisions d = previous == null ? feed.read(0) : feed.read(previous);
        if (previous == null || previous != d.cursor()) {
            cursors.set(caller.tokenHash(), d.cursor()); // a poll with nothing new writes nothing
        }
        nodes.polled(caller.node(), d.cursor());
        nodes.seen(caller.node(), http.remoteAddress().host());

        Predicate<DecisionFeed.Active> wanted = filter(scopes, origins, containing, notContaining);
        Instant now = Instant.now();
        // Written straight to bytes: a bouncer's startup pull carries every active ban.
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (d.bans().size() + d.unbans().size()) * 140);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            decisions(g, "deleted", d.unbans(), wanted, a -> Duration.ZERO);
            decisions(g, "new", d.bans(), wanted, a -> Duration.between(now, a.expiresAt()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Response.ok(out.toByteArray()).build();
    }

    /** CrowdSec's list of decisions, or JSON null when there is none. */
    private static void decisions(JsonGenerator g, String field, List<DecisionFeed.Active> list,
                                  Predicate<DecisionFeed.Active> wanted, Function<DecisionFeed.Active, Duration> left)
            throws IOException {
        g.writeFieldName(field);
        boolean any = false;
        for (DecisionFeed.Active a : list) {
            if (!wanted.test(a)) {
                continue;
            }
            if (!any) {
                g.writeStartArray();
                any = true;
            }
            Duration l = left.apply(a);
            g.writeStartObject();
            g.writeStringField("duration", GoDuration.format(l.isNegative() ? Duration.ZERO : l));
            g.writeNumberField("id", a.banId());
            g.writeStringField("origin", ORIGIN);
            g.writeStringField("scenario", a.jail());
            g.writeStringField("scope", scope(a));
            g.writeStringField("type", "ban");
            g.writeStringField("value", a.ip().toString());
            g.writeEndObject();
        }
        if (any) {
            g.writeEndArray();
        } else {
            g.writeNull();
        }
    }

    private static String scope(DecisionFeed.Active a) {
        return a.ip().isHost() ? "Ip" : "Range";
    }

    private static Predicate<DecisionFeed.Active> filter(String scopes, String origins, String containing,
                                                        String notContaining) {
        Set<String> scopeSet = list(scopes);
        Set<String> originSet = list(origins);
        List<String> contain = new ArrayList<>(list(containing));
        List<String> notContain = new ArrayList<>(list(notContaining));
        return a -> (scopeSet.isEmpty() || scopeSet.contains(scope(a).toLowerCase(Locale.ROOT)))
                && (originSet.isEmpty() || originSet.contains(ORIGIN))
                && (contain.isEmpty() || contain.stream().anyMatch(s -> a.jail().toLowerCase(Locale.ROOT).contains(s)))
                && notContain.stream().noneMatch(s -> a.jail().toLowerCase(Locale.ROOT).contains(s));
    }

    private static Set<String> list(String csv) {
        if (csv == null || csv.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(csv.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

}
