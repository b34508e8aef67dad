package io.fleetban.core.firewall;

import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the rendered rules look like beyond the bans themselves.
 *
 * @param ports  destination ports (tcp and udp) the drop applies to; empty = every packet
 * @param table  the nftables table, always of family {@code inet}; nothing outside it is touched
 * @param set4   the nftables set of banned IPv4 hosts; ranges live in {@code set4 + "_nets"}
 * @param set6   the nftables set of banned IPv6 hosts; ranges live in {@code set6 + "_nets"}
 * @param ipset4 the ipset set (hash:net) of banned IPv4 hosts and ranges
 * @param ipset6 the ipset set (hash:net) of banned IPv6 hosts and ranges
 */
public record FirewallOptions(List<Integer> ports, String table, String set4, String set6, String ipset4, String ipset6) {

    /** Short enough that {@code NAME_nets} and {@code NAME_tmp} stay within ipset's 31 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,21}");

    public FirewallOptions {
        ports = List.copyOf(new TreeSet<>(ports));
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is out of range 1-65535");
            }
        }
        name("table", table);
        name("set4", set4);
        name("set6", set6);
        name("ipset4", ipset4);
        name("ipset6", ipset6);
    }

    /** Table {@code inet fleetban}, sets {@code banned4}/{@code banned6}, ipsets {@code fleetban4}/{@code fleetban6}, all ports. */
    public static FirewallOptions defaults() {
        return new FirewallOptions(List.of(), "fleetban", "banned4", "banned6", "fleetban4", "fleetban6");
    }

    public FirewallOptions withPorts(List<Integer> newPorts) {
        return new FirewallOptions(newPorts, table, set4, set6, ipset4, ipset6);
    }

    /** "5060,5061,5080,5081" (the {@code --ports} option); an empty string means every port. */
    public static List<Integer> parsePorts(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        if (text.isBlank()) {
            return List.of();
        }
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int port;
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a port number");
            }
            if (port < 1 || port > 65535 || p.startsWith("+")) {
                throw new IllegalArgumentException("port " + p + " is out of range 1-65535");
            }
            out.add(port);
        }
        return List.copyOf(out);
    }

    /** The nftables interval set that holds IPv4 (or IPv6) ranges. */
    public String nets(boolean v6) {
        return (v6 ? set6 : set4) + "_nets";
    }

    public String set(boolean v6) {
        return v6 ? set6 : set4;
    }

    public String ipset(boolean v6) {
        return v6 ? ipset6 : ipset4;
    }

    private static void name(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + ": '" + value + "' is not a valid name (a letter, then up to 21 letters, digits or _)");
        }
    }
}
