package io.fleetban.controller.allowlist;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.ban.BanLedger;
import io.fleetban.controller.store.Change;
import io.fleetban.controller.store.Notifier;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Adds and removes allowlist entries. Adding one lifts the active bans it covers (each lift is an
 * unban event, so every node drops the rule); DNS names must resolve when added and are
 * re-resolved on a schedule.
 */
@ApplicationScoped
public class AllowlistService {

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    @Inject
    AgroalDataSource dataSource;
    @Inject
    BanLedger ledger;
    @Inject
    Allowlist allowlist;

    /** The canonical spelling and kind of an IP, CIDR or DNS name; 400 naming the field otherwise. */
    public static AllowlistEntry parse(String raw, String field) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.badRequest(field, "an IP, CIDR or DNS name is required");
        }
        String v = raw.trim();
        AllowlistEntry e = new AllowlistEntry();
        boolean looksNumeric = v.indexOf(':') >= 0 || v.matches("[0-9./]+");
        try {
            if (v.indexOf('/') >= 0) {
                e.value = Cidr.parse(v).toString();
                e.kind = e.value.indexOf('/') >= 0 ? "cidr" : "ip";
                return e;
            }
            if (looksNumeric) {
                e.value = IpAddress.parse(v).toString();
                e.kind = "ip";
                return e;
            }
        } catch (IllegalArgumentException ex) {
            throw ApiException.badRequest(field, ex.getMessage());
        }
        String name = v.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!HOSTNAME.matcher(name).matches()) {
            throw ApiException.badRequest(field, "'" + v + "' is not an IP, a CIDR or a DNS name");
        }
        e.value = name;
        e.kind = "dns";
        return e;
    }

    public record Added(AllowlistEntry entry, List<BanLedger.Lifted> lifted) {
    }

    public Added add(String value, String note, String by) throws SQLException {
        AllowlistEntry e = parse(value, "value");
        if (note != null && note.length() > 500) {
            throw ApiException.badRequest("note", "note is longer than 500 characters");
        }
        e.note = note;
        e.createdBy = by;
        e.createdAt = Instant.now();
        if ("dns".equals(e.kind)) {
            e.resolved = resolve(e.value);
            if (e.resolved.length == 0) {
                throw ApiException.badRequest("value", "'" + e.value + "' does not resolve to any address");
            }
            e.resolvedAt = Instant.now();
        }
        save(e);
        List<BanLedger.Lifted> lifted = ledger.liftWithin(Allowlist.networks(e), BanLedger.LiftReason.ALLOWLIST);
        return new Added(e, lifted);
    }

    @Transactional
    void save(AllowlistEntry e) throws SQLException {
        if (AllowlistEntry.findById(e.value) != null) {
            throw ApiException.conflict("value", "'" + e.value + "' is already on the allowlist");
        }
        e.persist();
        AllowlistEntry.flush();
        announce();
        allowlist.reload(); // this replica must know before it lifts, so the lifted bans can't come back
    }

    @Transactional
    public void remove(String raw) throws SQLException {
        AllowlistEntry e = parse(raw, "value");
        if (!AllowlistEntry.deleteById(e.value)) {
            throw ApiException.notFound("'" + e.value + "' is not on the allowlist");
        }
        AllowlistEntry.flush();
        announce();
    }

    /** Inserts the configured entries that don't exist yet. */
    @Transactional
    public void seed(List<String> values) {
        for (String v : values) {
            AllowlistEntry e = parse(v, "fleetban.allowlist");
            if (AllowlistEntry.findById(e.value) == null) {
                e.note = "default";
                e.createdAt = Instant.now();
                e.createdBy = "fleetban.allowlist";
                if ("dns".equals(e.kind)) {
                    e.resolved = resolve(e.value);
                    e.resolvedAt = Instant.now();
                }
                e.persist();
            }
        }
    }

    /** Re-resolves every DNS entry; returns the addresses that are new (their bans must be lifted). */
    @Transactional
    public List<Cidr> refreshNames() throws SQLException {
        List<Cidr> added = new java.util.ArrayList<>();
        for (AllowlistEntry e : AllowlistEntry.<AllowlistEntry>list("kind", "dns")) {
            String[] now = resolve(e.value);
            if (now.length == 0) {
                continue; // keep the last good answer: a DNS hiccup must not expose the office
            }
            if (!Arrays.equals(now, e.resolved)) {
                List<String> before = Arrays.asList(e.resolved);
                Arrays.stream(now).filter(a -> !before.contains(a)).map(Cidr::parse).forEach(added::add);
                e.resolved = now;
            }
            e.resolvedAt = Instant.now();
        }
        if (!added.isEmpty()) {
            AllowlistEntry.flush();
            announce();
        }
        return added;
    }

    public static String[] resolve(String name) {
        try {
            return Arrays.stream(InetAddress.getAllByName(name))
                    .map(a -> IpAddress.of(a.getAddress()).toString()).distinct().sorted().toArray(String[]::new);
        } catch (UnknownHostException e) {
            return new String[0];
        }
    }

    private void announce() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Notifier.notify(c, Change.ALLOWLIST);
        }
    }
}
