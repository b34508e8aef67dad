package io.fleetban.core.net;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** This machine's own addresses, on every interface (loopback included): nobody bans itself. */
public final class LocalAddresses {

    private static final System.Logger LOG = System.getLogger(LocalAddresses.class.getName());

    private LocalAddresses() {
    }

    /** Read again on each call, so an address a DHCP lease or failover added since is covered too. */
    public static IpSet enumerate() {
        List<Cidr> out = new ArrayList<>();
        try {
            Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                Enumeration<InetAddress> addresses = interfaces.nextElement().getInetAddresses();
                while (addresses.hasMoreElements()) {
                    out.add(Cidr.of(IpAddress.of(addresses.nextElement().getAddress())));
                }
            }
        } catch (SocketException e) {
            LOG.log(Level.WARNING, "cannot list this machine''s addresses: {0}", e.getMessage());
        }
        return IpSet.of(out);
    }
}
