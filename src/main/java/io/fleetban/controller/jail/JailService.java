package io.fleetban.controller.jail;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.ban.NewBan;
import io.fleetban.controller.store.Change;
import io.fleetban.controller.store.Notifier;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.jail.JailPolicy;
import io.fleetban.core.time.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Creates and edits jails; a change is announced to every replica and applies to the next report. */
@ApplicationScoped
public class JailService {

    private static final Set<String> FIELDS = Set.of("name", "kinds", "maxretry", "findtime", "bantime",
            "bantime.increment", "bantime.factor", "bantime.maxtime", "enabled");

    @Inject
    AgroalDataSource dataSource;

    /** Applies the fields present in {@code body} to jail {@code name}; creates it if new. */
    @Transactional
    public JailPolicy put(String name, JsonNode body) throws SQLException {
        if (NewBan.MANUAL_JAIL.equals(name)) {
            throw ApiException.badRequest("name", "'manual' is reserved for manual bans");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "a jail is a JSON object, e.g. {\"maxretry\":5,\"bantime\":\"1h\"}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiException.badRequest(f, "unknown field '" + f + "'; known: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        if (body.has("name") && !name.equals(body.get("name").asText())) {
            throw ApiException.badRequest("name", "the body's name differs from the URL's");
        }
        Jail jail = Jail.findById(name);
        boolean created = jail == null;
        if (created) {
            for (String required : new String[] {"kinds", "maxretry", "findtime", "bantime"}) {
                if (!body.has(required)) {
                    throw ApiException.badRequest(required, "a new jail needs " + required);
                }
            }
        }
        JailPolicy old = created ? null : jail.policy();
        JailPolicy p;
        try {
            p = new JailPolicy(name,
                    body.has("kinds") ? kinds(body.get("kinds")) : old.kinds(),
                    body.has("maxretry") ? integer(body, "maxretry") : old.maxretry(),
                    body.has("findtime") ? duration(body, "findtime") : old.findtime(),
                    body.has("bantime") ? duration(body, "bantime") : old.bantime(),
                    body.has("bantime.increment") ? bool(body, "bantime.increment") : created || old.increment(),
                    body.has("bantime.factor") ? number(body, "bantime.factor") : created ? 1 : old.incrementFactor(),
                    body.has("bantime.maxtime") ? duration(body, "bantime.maxtime")
                            : created ? Duration.ofDays(7) : old.incrementMax(),
                    body.has("enabled") ? bool(body, "enabled") : created || old.enabled());
        } catch (JailPolicy.InvalidPolicyException e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        }
        if (created) {
            jail = new Jail();
            jail.apply(p);
            jail.persist();
        } else {
            jail.apply(p);
        }
        Jail.flush();
        try (Connection c = dataSource.getConnection()) {
            Notifier.notify(c, Change.JAILS);
        }
        return p;
    }

    /** Inserts the configured jails that don't exist yet. */
    @Transactional
    public void seed(Map<String, JailPolicy> defaults) {
        defaults.values().forEach(p -> {
            if (Jail.findById(p.name()) == null) {
                Jail j = new Jail();
                j.apply(p);
                j.persist();
            }
        });
    }

    private static Set<FailureKind> kinds(JsonNode v) {
        if (!v.isArray() || v.isEmpty()) {
            throw ApiException.badRequest("kinds", "kinds is a non-empty array of: " + FailureKind.knownNames());
        }
        Set<FailureKind> out = EnumSet.noneOf(FailureKind.class);
        for (JsonNode k : v) {
            try {
                out.add(FailureKind.fromWireName(k.asText()));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("kinds", e.getMessage());
            }
        }
        return out;
    }

    private static int integer(JsonNode body, String f) {
        JsonNode v = body.get(f);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.badRequest(f, f + " must be an integer");
        }
        return v.intValue();
    }

    private static double number(JsonNode body, String f) {
        JsonNode v = body.get(f);
        if (!v.isNumber()) {
            throw ApiException.badRequest(f, f + " must be a number");
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode body, String f) {
        JsonNode v = body.get(f);
        if (!v.isBoolean()) {
            throw ApiException.badRequest(f, f + " must be true or false");
        }
        return v.booleanValue();
    }

    /** Seconds as a number, or a duration string like "10m". */
    private static Duration duration(JsonNode body, String f) {
        JsonNode v = body.get(f);
        try {
            if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() > 0) {
                return Duration.ofSeconds(v.longValue());
            }
            if (v.isTextual()) {
                return Durations.parse(v.textValue());
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(f, f + ": " + e.getMessage());
        }
        throw ApiException.badRequest(f, f + " must be positive seconds or a duration like \"10m\"");
    }
}
