package io.fleetban.controller.allowlist;

import io.fleetban.controller.store.Change;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpAddress;
import io.fleetban.core.net.IpSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/**
 * The allowlist as one {@link IpSet} in memory (IPs, CIDRs and what DNS names resolved to),
 * reloaded whenever any replica changes it. Consulted for every ban the engine is about to write.
 */
@ApplicationScoped
public class Allowlist {

    private volatile IpSet set = IpSet.empty();

    void onChange(@Observes Change change) {
        if (change.affects(Change.ALLOWLIST)) {
            reload();
        }
    }

    @Transactional
    public void reload() {
        List<Cidr> nets = new ArrayList<>();
        for (AllowlistEntry e : AllowlistEntry.<AllowlistEntry>listAll()) {
            nets.addAll(networks(e));
        }
        set = IpSet.of(nets);
    }

    public boolean covers(IpAddress ip) {
        return set.contains(ip);
    }

    public boolean overlaps(Cidr net) {
        return set.overlaps(net);
    }

    static List<Cidr> networks(AllowlistEntry e) {
        List<Cidr> out = new ArrayList<>();
        if ("dns".equals(e.kind)) {
            for (String r : e.resolved) {
                out.add(Cidr.parse(r));
            }
        } else {
            out.add(Cidr.parse(e.value));
        }
        return out;
    }
}
