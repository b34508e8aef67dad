package io.fleetban.core.filter;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in {@code asterisk} filter: the security lines of chan_sip, res_pjsip, chan_iax2,
 * manager (AMI) and res_security_log that fail2ban's {@code asterisk.conf} knows, in the same line
 * styles (Asterisk's own {@code [date] LEVEL[pid]} prefix, syslog and journal prefixes).
 *
 * <p>Kinds, so the {@code freeswitch} jails work unchanged on an Asterisk node:
 * <ul>
 * <li>unknown-user: the account, peer, endpoint or extension does not exist — "No matching peer
 * found", "Not a local domain", "No registration for peer", "extension not found",
 * "tried to authenticate with nonexistent user", "No matching endpoint found", InvalidAccountID;
 * <li>auth-failure: everything else — wrong password or digest (Wrong password, Username/auth name
 * mismatch, failed to authenticate, failed MD5 authentication, InvalidPassword,
 * ChallengeResponseFailed, Failed/Error to authenticate) and policy violations (ACL, "Peer is not
 * supposed to register", "hacking attempt detected", "Rejecting unknown SIP connection").
 * </ul>
 *
 * <p>The prefix is matched strictly from the line start and the message by one anchored pattern per
 * line type. Where a field the caller controls (From, extension, Call-ID, SessionID) sits next to
 * the address, the pattern takes the address from Asterisk's fixed structure: the last {@code ' failed for '} before a fixed tail, the last
 * {@code RemoteAddress=} followed only by well-formed fields, or, where caller text sits on both
 * sides of the address ("Call from 'F' (A) to extension 'E'"), quoted fields that may not contain
 * a quote, so only one reading of the line exists (such a line is missed rather than blamed on an
 * address the caller wrote).
 */
public final class AsteriskFilter implements LineFilter {

    public static final String NAME = "asterisk";

    /** Lines longer than this are never matched: bounds the work of the regular expressions. */
    public static final int MAX_LINE = 8 * 1024;

    private static final NeedleSet NEEDLES = NeedleSet.of(
            "' failed for '", "rejected because extension not found", " failed to authenticate",
            " failed MD5 authentication", " tried to authenticate with nonexistent user",
            "No registration for peer '", "hacking attempt detected '", "SecurityEvent=\"",
            "Rejecting unknown SIP connection from ");

    /** An address with an optional port: a.b.c.d[:port], [v6][:port], or a bare v6 without port. */
    private static final String ADDR_PORT = "(?:(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3})(?::\\d+)?"
            + "|\\[(?<ipb>[0-9A-Fa-f:.]+)\\](?::\\d+)?|(?<ipv6>[0-9A-Fa-f]*:[0-9A-Fa-f:.]*))";
    /** An address without a port, optionally bracketed. */
    private static final String ADDR = "(?:(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3})"
            + "|\\[(?<ipb>[0-9A-Fa-f:.]+)\\]|(?<ipv6>[0-9A-Fa-f]*:[0-9A-Fa-f:.]*))";

    /**
     * [syslog date] [host] [program[pid]:] [Asterisk date] LEVEL[pid][C-call] file:line [in] [function:]
     * — the message starts after the first ": " that ends this structure.
     */
    private static final Pattern PREFIX = Pattern.compile(
            "(?:(?:[A-Z][a-z]{2} +\\d{1,2} \\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\dT\\S+) +)?"
            + "(?:[\\w.-]+ +)?(?:[\\w.-]+\\[\\d+\\]: +)?(?:\\[[^\\]]{1,40}\\] *)?"
            + "(?:NOTICE|SECURITY|WARNING) ?\\[\\d+\\]:?(?:\\[C-[\\da-f]*\\])?:? [^:'\"]+:\\d*"
            + "(?:(?: in)? (?:@ [\\w-]+|[A-Za-z_]\\w*):)? ");

    /** One line type; {@code kind} gets the text of the {@code why} group ("" when there is none). */
    private record Rule(Pattern pattern, boolean hasWhy, Function<String, FailureKind> kind) {
        Rule(String regex, Function<String, FailureKind> kind) {
            this(Pattern.compile(regex), regex.contains("(?<why>"), kind);
        }
    }

    private static final List<Rule> RULES = List.of(
            new Rule("Registration from '.*' failed for '" + ADDR_PORT + "' - (?<why>Wrong password"
                    + "|Username/auth name mismatch|No matching peer found|Not a local domain|Device does not match ACL"
                    + "|Peer is not supposed to register|ACL error \\(permit/deny\\))",
                    why -> why.equals("No matching peer found") || why.equals("Not a local domain")
                            ? FailureKind.UNKNOWN_USER : FailureKind.AUTH_FAILURE),
            new Rule("Call from '[^']*' \\((?:(?:TCP|UDP|TLS|WSS?):)?" + ADDR_PORT
                    + "\\) to extension '[^']*' rejected because extension not found in context '[^']*'\\.?",
                    why -> FailureKind.UNKNOWN_USER),
            new Rule("(?:Host )?" + ADDR + " (?<why>failed to authenticate|failed MD5 authentication"
                    + "|tried to authenticate with nonexistent user)\\b.*",
                    why -> why.startsWith("tried") ? FailureKind.UNKNOWN_USER : FailureKind.AUTH_FAILURE),
            new Rule("No registration for peer '.*' \\(from " + ADDR + "\\)", why -> FailureKind.UNKNOWN_USER),
            new Rule("hacking attempt detected '" + ADDR + "'", why -> FailureKind.AUTH_FAILURE),
            new Rule("SecurityEvent=\"(?<why>FailedACL|InvalidAccountID|ChallengeResponseFailed|InvalidPassword)\""
                    + ".*,RemoteAddress=\"IPV[46]/[^/\"]+/" + ADDR + "/\\d+\"(?:,(?!RemoteAddress=)\\w+=\"[^\"]*\")*",
                    why -> why.equals("InvalidAccountID") ? FailureKind.UNKNOWN_USER : FailureKind.AUTH_FAILURE),
            new Rule("\"Rejecting unknown SIP connection from " + ADDR_PORT + "\"", why -> FailureKind.AUTH_FAILURE),
            new Rule("Request (?:'[^']*' )?from '.*' failed for '" + ADDR_PORT + "' \\(callid: \\S*\\) - "
                    + "(?<why>No matching endpoint found|Not match Endpoint(?: Contact)? ACL|(?:Failed|Error) to authenticate)\\s*",
                    why -> why.equals("No matching endpoint found") ? FailureKind.UNKNOWN_USER : FailureKind.AUTH_FAILURE));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Failure match(byte[] b, int from, int to) {
        if (to - from > MAX_LINE || !NEEDLES.foundIn(b, from, to)) {
            return null;
        }
        BoundedText text = new BoundedText(b, from, to);
        try {
            Matcher prefix = PREFIX.matcher(text);
            if (!prefix.lookingAt()) {
                return null;
            }
            for (Rule rule : RULES) {
                Matcher m = rule.pattern.matcher(text).region(prefix.end(), text.length());
                if (m.matches()) {
                    IpAddress ip = address(b, from, m);
                    if (ip == null) {
                        return null;
                    }
                    return new Failure(ip, rule.kind.apply(rule.hasWhy ? m.group("why") : ""));
                }
            }
        } catch (BoundedText.Exhausted e) {
            return null;
        }
        return null;
    }

    private static IpAddress address(byte[] b, int from, Matcher m) {
        for (String g : new String[] {"ip", "ipb", "ipv6"}) {
            if (m.start(g) >= 0) {
                return AsciiBytes.ip(b, from + m.start(g), from + m.end(g));
            }
        }
        return null;
    }
}
