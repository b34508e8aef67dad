package io.fleetban.controller.dashboard;

import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.ban.BanStormBreaker;
import io.fleetban.controller.ban.NewBan;
import io.fleetban.controller.decision.DecisionFeed;
import io.fleetban.controller.jail.JailRegistry;
import io.fleetban.controller.web.Params;
import io.fleetban.core.jail.JailPolicy;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code /api/v1/dashboard/…}: what the console's overview needs besides the node list: active bans per jail (from this
 * replica's in-memory feed, no query), the breaker, failures per minute and the top offenders.
 */
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Path("/api/v1/dashboard")
public class DashboardResource {

    @Inject
    DecisionFeed feed;
    @Inject
    JailRegistry jails;
    @Inject
    BanStormBreaker breaker;
    @Inject
    FailureMinutes failures;
    @Inject
    Offenders offenders;
    @Inject
    DashboardStream stream;

    /** {@code {"active_bans":N,"cursor":C,"jails":[{"name":…,"enabled":…,"active_bans":n}],"breaker":{…}}}. */
    @GET
    @Path("/overview")
    public Map<String, Object> overview() throws SQLException {
        Map<String, Integer> perJail = new TreeMap<>();
        List<DecisionFeed.Active> active = feed.activeBans();
        active.forEach(a -> perJail.merge(a.jail(), 1, Integer::sum));
        List<Map<String, Object>> list = new ArrayList<>();
        for (JailPolicy j : jails.all()) {
            list.add(jail(j.name(), j.enabled(), perJail.remove(j.name())));
        }
        list.add(jail(NewBan.MANUAL_JAIL, true, perJail.remove(NewBan.MANUAL_JAIL)));
        perJail.forEach((name, n) -> list.add(jail(name, false, n))); // jails deleted since their bans
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active_bans", active.size());
        out.put("cursor", feed.cursor());
        out.put("jails", list);
        out.put("breaker", breaker.state());
        return out;
    }

    /** Failures per minute by kind, the last {@code minutes} (default 60) minutes. */
    @GET
    @Path("/failures")
    public FailureMinutes.Series failures(@QueryParam("minutes") String minutes) throws SQLException {
        return failures.last((int) Params.integer(minutes, "minutes", 1, 1440, 60));
    }

    /** The ips and /24s (IPv6: /64s) with the most failures that led to bans in the last hours. */
    @GET
    @Path("/offenders")
    public Offenders.Top offenders(@QueryParam("hours") String hours, @QueryParam("limit") String limit)
            throws SQLException {
        return offenders.top((int) Params.integer(hours, "hours", 1, 24 * 30, 24),
                (int) Params.integer(limit, "limit", 1, 100, 10));
    }

    /**
     * Server-sent events, one JSON object each: {@code hello}, {@code bans} (what changed, the
     * first ips), {@code changed} ({@code what}: jails, allowlist, breaker, tokens, all) and a
     * {@code ping} every 15 s. A browser reads it with fetch(), which can send the token header.
     */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Map<String, Object>> stream() {
        return stream.subscribe();
    }

    private static Map<String, Object> jail(String name, boolean enabled, Integer bans) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("enabled", enabled);
        m.put("active_bans", bans == null ? 0 : bans);
        return m;
    }
}
