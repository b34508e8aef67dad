import io.fleetban.agent.enforce.CommandRunner;
import io.fleetban.agent.enforce.Firewall;
import io.fleetban.agent.enforce.IptablesFirewall;
import io.fleetban.agent.enforce.NftFirewall;
import io.fleetban.core.firewall.Ban;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.firewall.IpsetRuleset;
import io.fleetban.core.firewall.NftRuleset;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A 100 000-ban (or args[2]) full resync, as the agent does it, inside network namespace args[0]: render the
 * script with core's renderer, then nft (one nft -f transaction) or ipset (ipset restore into a
 * temporary set + swap). Each repetition replaces the previous 100 000 bans with 100 000 others
 * (the first fills empty sets); the first also includes the JIT warming up, as in a fresh agent.
 * Run by bench/resync-100k.sh, which creates and removes the namespace.
 */
public class ResyncBench {

    /** How many bans each resync writes: args[2], 100 000 unless given ({@code ./fleetban bench --quick}: fewer). */
    static int banCount = 100_000;

    public static void main(String[] args) throws Exception {
        String ns = args[0];
        int reps = Integer.parseInt(args[1]);
        if (args.length > 2) {
            banCount = Integer.parseInt(args[2]);
        }
        List<String> prefix = List.of("ip", "netns", "exec", ns);
        FirewallOptions o = FirewallOptions.defaults();
        CommandRunner run = new CommandRunner(prefix);
        for (String mode : List.of("nft", "ipset")) {
            Firewall f = mode.equals("nft") ? new NftFirewall(o, prefix) : new IptablesFirewall(o, prefix);
            f.setup(); // table/sets/rules, as the agent does once at start
            long[] render = new long[reps];
            long[] apply = new long[reps];
            long[] total = new long[reps];
            for (int r = 0; r < reps; r++) {
                List<Ban> bans = bans(r);
                long t0 = System.nanoTime();
                String script = mode.equals("nft") ? NftRuleset.full(bans, o) : IpsetRuleset.full(bans, o);
                long t1 = System.nanoTime();
                run.check(script, mode.equals("nft") ? List.of("nft", "-f", "-") : List.of("ipset", "restore"));
                long t2 = System.nanoTime();
                render[r] = t1 - t0;
                apply[r] = t2 - t1;
                total[r] = t2 - t0;
                int count = mode.equals("nft") ? nftCount(run) : ipsetCount(run);
                if (count != banCount) {
                    throw new IllegalStateException(mode + ": " + count + " elements after the resync, expected " + banCount);
                }
            }
            String tool = mode.equals("nft") ? "nft -f - (one transaction)" : "ipset restore (temp set + swap)";
            System.out.printf("%-5s full resync of %d bans, total:  %s%n", mode, banCount, summary(total));
            System.out.printf("%-5s   render in Java:                  %s%n", mode, summary(render));
            System.out.printf("%-5s   %-32s %s%n", mode, tool + ":", summary(apply));
        }
    }

    /** banCount distinct random IPv4 addresses (repetition r draws its own), ttl 1 min .. 1 day. */
    static List<Ban> bans(int r) {
        Random random = new Random(1000 + r);
        java.util.HashSet<Integer> seen = new java.util.HashSet<>();
        List<Ban> bans = new ArrayList<>(banCount);
        while (bans.size() < banCount) {
            int n = random.nextInt();
            int first = (n >>> 24);
            if (first == 0 || first == 10 || first == 127 || first >= 224 || !seen.add(n)) {
                continue;
            }
            byte[] b = {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
            bans.add(new Ban(Cidr.of(IpAddress.of(b)), 60 + random.nextInt(86_400)));
        }
        Collections.shuffle(bans, random);
        return bans;
    }

    static int nftCount(CommandRunner run) throws Exception {
        String out = run.check(List.of("nft", "list", "set", "inet", "fleetban", "banned4"));
        int n = 0;
        for (int i = out.indexOf(" expires "); i >= 0; i = out.indexOf(" expires ", i + 1)) {
            n++;
        }
        return n;
    }

    static int ipsetCount(CommandRunner run) throws Exception {
        String out = run.check(List.of("ipset", "list", "-t", "fleetban4"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Number of entries: (\\d+)").matcher(out);
        m.find();
        return Integer.parseInt(m.group(1));
    }

    static String summary(long[] nanos) {
        long[] ms = Arrays.stream(nanos).map(n -> n / 1_000_000).toArray();
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format("min %d ms, median %d ms, max %d ms  (runs: %s)",
                sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1], Arrays.toString(ms));
    }
}
