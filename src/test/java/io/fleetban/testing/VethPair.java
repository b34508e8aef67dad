package io.fleetban.testing;

/**
 * Two namespaces joined by a veth pair: a "node" (where the firewall under test runs) and a
 * "peer" (an attacker or a phone) with IPv4 and IPv6 addresses on one link. The peer's addresses
 * lie in {@link #PEER_RANGE4}/{@link #PEER_RANGE6}, which leave out the node's, for range bans.
 * A UDP echo server on the node answers on {@link #ECHO_PORTS} so the peer can tell whether its
 * packets get through.
 */
public final class VethPair implements AutoCloseable {

    public static final String NODE4 = "10.200.0.1";
    public static final String NODE6 = "fd00:fb::1";
    public static final String PEER4 = "10.200.0.130";
    public static final String PEER6 = "fd00:fb::8001";
    public static final String PEER_RANGE4 = "10.200.0.128/25";
    public static final String PEER_RANGE6 = "fd00:fb::8000/113";
    /** A SIP port and one that is not, to tell a port-limited drop from a drop of everything. */
    public static final int[] ECHO_PORTS = {5060, 7000};

    public final Netns node;
    public final Netns peer;

    private VethPair(Netns node, Netns peer) {
        this.node = node;
        this.peer = peer;
    }

    public static VethPair create(String tag) {
        Netns node = Netns.create(tag + "n");
        Netns peer;
        try {
            peer = Netns.create(tag + "p");
        } catch (RuntimeException | Error e) {
            node.close();
            throw e;
        }
        VethPair pair = new VethPair(node, peer);
        try {
            node.exec("ip", "link", "add", "fb0", "type", "veth", "peer", "name", "fb0", "netns", peer.name());
            node.exec("ip", "link", "set", "fb0", "up");
            peer.exec("ip", "link", "set", "fb0", "up");
            node.exec("ip", "addr", "add", NODE4 + "/24", "dev", "fb0");
            node.exec("ip", "addr", "add", NODE6 + "/64", "dev", "fb0", "nodad");
            peer.exec("ip", "addr", "add", PEER4 + "/24", "dev", "fb0");
            peer.exec("ip", "addr", "add", PEER6 + "/64", "dev", "fb0", "nodad");
            for (int port : ECHO_PORTS) {
                node.start("socat", "UDP6-RECVFROM:" + port + ",fork,ipv6only=0", "PIPE");
            }
            pair.awaitEcho();
        } catch (RuntimeException | Error e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    /** True when a UDP datagram from the peer to {@code nodeAddress:port} comes back within a second. */
    public boolean reaches(String nodeAddress, int port) {
        String target = nodeAddress.contains(":") ? "UDP6:[" + nodeAddress + "]:" + port : "UDP4:" + nodeAddress + ":" + port;
        String out = peer.run("fleetban-echo\n", "socat", "-T1", "-", target).output();
        return out.contains("fleetban-echo");
    }

    private void awaitEcho() {
        for (int i = 0; i < 50; i++) {
            if (reaches(NODE4, ECHO_PORTS[0]) && reaches(NODE4, ECHO_PORTS[1])) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the UDP echo servers in " + node.name() + " never answered");
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            peer.close();
        }
    }
}
