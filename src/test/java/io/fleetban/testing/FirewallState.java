package io.fleetban.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads back what the kernel holds inside a test namespace: set members and their timeouts. */
public final class FirewallState {

    private static final Pattern NFT_ELEMENT = Pattern.compile("([0-9a-f.:/]+) timeout (\\S+?)(?: expires \\S+?)?[,\\s}]");
    private static final Pattern IPSET_MEMBER = Pattern.compile("(?m)^([0-9a-f.:/]+) timeout (\\d+)");

    private FirewallState() {
    }

    /** Members of set {@code set} of table {@code inet table}, each with its timeout as nft prints it. */
    public static Map<String, String> nftElements(Netns ns, String table, String set) {
        String out = ns.exec("nft", "list", "set", "inet", table, set);
        Map<String, String> elements = new TreeMap<>();
        int start = out.indexOf("elements = {");
        if (start < 0) {
            return elements;
        }
        Matcher m = NFT_ELEMENT.matcher(out);
        m.region(start + "elements = {".length(), out.length());
        while (m.find()) {
            elements.put(m.group(1), m.group(2));
        }
        return elements;
    }

    public static Map<String, String> nftElements(Netns ns, String set) {
        return nftElements(ns, "fleetban", set);
    }

    /** Members of ipset {@code set}, each with its remaining seconds. */
    public static Map<String, Long> ipsetMembers(Netns ns, String set) {
        String out = ns.exec("ipset", "list", set);
        Map<String, Long> members = new TreeMap<>();
        Matcher m = IPSET_MEMBER.matcher(out.substring(out.indexOf("Members:")));
        while (m.find()) {
            members.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return members;
    }

    /** ipset's own count ("Number of entries: N"), cheap even for 100 000 members. */
    public static int ipsetSize(Netns ns, String set) {
        String out = ns.exec("ipset", "list", "-t", set);
        Matcher m = Pattern.compile("Number of entries: (\\d+)").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no entry count in: " + out);
        }
        return Integer.parseInt(m.group(1));
    }
}
