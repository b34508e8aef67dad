package io.fleetban.core.filter.fail2ban;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.BoundedText;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.LineFilter;
import io.fleetban.core.filter.NeedleSet;
import io.fleetban.core.net.IpAddress;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A filter loaded from a fail2ban filter.d file, run the way fail2ban's Filter.processLine runs
 * it on one line: cut the date out, match {@code prefregex} (its {@code <F-CONTENT>} becomes the
 * text the failregexes see), drop the line if an {@code ignoreregex} matches, and take the address
 * of the first failregex that matches ({@code ip4}, {@code ip6}, else an {@code <F-ID>} that is an
 * address literal; a DNS name is never a failure).
 *
 * <p>Multi-line tracking is not done: fail2ban links lines by {@code <F-MLFID>} (a connection id)
 * and remembers an address across them; here each line stands alone, so a line whose address is
 * only on another line is missed, and a {@code <F-NOFAIL>} match is no failure. Single-line
 * failures of such filters (sshd's "Failed password ... from <HOST>") are found as usual.
 *
 * <p>In front of all that, when every failregex has a fixed piece of text, a {@link NeedleSet}
 * skips lines that contain none of them. Lines longer than {@link #MAX_LINE} are not matched and
 * every line gets a bounded number of regex steps (see {@link BoundedText}).
 *
 * <p>Kinds: fail2ban has none, so the matched text decides: a match that starts with
 * "SIP auth challenge" or "A registration was attempted" is auth-challenge, one that starts with
 * "Can't find user" is unknown-user, anything else auth-failure. Only the start of the failregex
 * match counts, which the filter's own structure fixes, never text a caller wrote further on.
 */
final class Fail2banFilter implements LineFilter {

    static final int MAX_LINE = 8 * 1024;

    /** One compiled failregex/ignoreregex/prefregex with the Java names of fail2ban's groups. */
    record Regex(PythonRegex.Translated compiled, String source) {
        Matcher matcher(CharSequence text) {
            return compiled.pattern().matcher(text);
        }
    }

    private final String name;
    private final NeedleSet needles;
    private final DateDetector dates;
    private final Regex prefregex;
    private final List<Regex> failregex;
    private final List<Regex> ignoreregex;

    Fail2banFilter(String name, NeedleSet needles, DateDetector dates, Regex prefregex, List<Regex> failregex,
            List<Regex> ignoreregex) {
        this.name = name;
        this.needles = needles;
        this.dates = dates;
        this.prefregex = prefregex;
        this.failregex = List.copyOf(failregex);
        this.ignoreregex = List.copyOf(ignoreregex);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Failure match(byte[] b, int from, int to) {
        if (to - from > MAX_LINE || (needles != null && !needles.foundIn(b, from, to))) {
            return null;
        }
        try {
            return matchText(b, from, to);
        } catch (BoundedText.Exhausted e) {
            return null;
        }
    }

    private Failure matchText(byte[] b, int from, int to) {
        BoundedText line = new BoundedText(b, from, to);
        int[] date = dates.find(line);
        CharSequence text = date == null ? line : new BoundedText(b, from, to, from + date[0], from + date[1]);
        int start = 0;
        int end = text.length();
        Matcher p = null;
        if (prefregex != null) {
            p = prefregex.matcher(text);
            if (!p.find()) {
                return null;
            }
            String content = prefregex.compiled().group("content");
            if (content != null && p.start(content) >= 0 && p.end(content) > p.start(content)) {
                start = p.start(content);
                end = p.end(content);
            }
        }
        for (Regex r : failregex) {
            Matcher m = r.matcher(text).region(start, end);
            if (!m.find()) {
                continue;
            }
            for (Regex ignore : ignoreregex) {
                if (ignore.matcher(text).find()) {
                    return null;
                }
            }
            String nofail = r.compiled().group("nofail");
            if (nofail != null && m.start(nofail) >= 0) {
                return null;
            }
            IpAddress ip = address(r, m, text);
            if (ip == null && p != null) {
                ip = address(prefregex, p, text); // fail2ban merges the prefregex's groups in
            }
            return ip == null ? null : new Failure(ip, kind(text, m.start(), end));
        }
        return null;
    }

    /** The failure id of a match: ip4, else ip6, else an F-ID that is an address literal. */
    private static IpAddress address(Regex r, Matcher m, CharSequence text) {
        for (String group : new String[] {"ip4", "ip6", "fid"}) {
            String java = r.compiled().group(group);
            if (java != null && m.start(java) >= 0) {
                return IpAddress.tryParse(text, m.start(java), m.end(java));
            }
        }
        return null;
    }

    private static FailureKind kind(CharSequence text, int start, int end) {
        if (startsWith(text, start, end, "SIP auth challenge") || startsWith(text, start, end, "A registration was attempted")) {
            return FailureKind.AUTH_CHALLENGE;
        }
        if (startsWith(text, start, end, "Can't find user")) {
            return FailureKind.UNKNOWN_USER;
        }
        return FailureKind.AUTH_FAILURE;
    }

    private static boolean startsWith(CharSequence text, int at, int end, String prefix) {
        if (end - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text.charAt(at + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
