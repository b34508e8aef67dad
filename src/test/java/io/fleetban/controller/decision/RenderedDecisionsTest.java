package io.fleetban.controller.decision;

import static io.fleetban.controller.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.fleetban.controller.Api;
import io.fleetban.testing.Netns;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** format=nft|ipset|iptables: rules rendered by core, accepted by the real tools (in a throwaway namespace). */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RenderedDecisionsTest {

    @Test
    void nftSnapshotAndDeltaPassNftCheck() {
        Api.Node n = Api.node("nft");
        String host = Api.ip();
        admin().body(Map.of("ip", host, "duration", "10m")).post("/api/v1/bans").then().statusCode(201);
        admin().body(Map.of("ip", "2001:db8:77::/48", "duration", "10m")).post("/api/v1/bans").then().statusCode(201);

        var snapshot = Api.agent(n.token()).queryParam("format", "nft").get("/api/v1/decisions");
        snapshot.then().statusCode(200).contentType("text/plain");
        String full = snapshot.asString();
        long cursor = Long.parseLong(snapshot.header("X-Fleetban-Cursor"));
        assertThat(full).contains("table inet fleetban").contains(host).contains("2001:db8:77::/48");

        admin().delete("/api/v1/bans/" + host).then().statusCode(200);
        String delta = Api.agent(n.token()).queryParam("format", "nft").queryParam("since", cursor)
                .get("/api/v1/decisions").asString();
        assertThat(delta).contains("delete element").contains(host);

        try (Netns ns = Netns.create("render")) {
            ns.execInput(full, "nft", "-f", "-");
            ns.execInput(delta, "nft", "-c", "-f", "-");
            ns.execInput(delta, "nft", "-f", "-");
            assertThat(ns.exec("nft", "list", "set", "inet", "fleetban", "banned6_nets")).contains("2001:db8:77::/48");
            assertThat(ns.exec("nft", "list", "set", "inet", "fleetban", "banned4")).doesNotContain(host);
        }
        admin().delete("/api/v1/bans/2001:db8:77::%2F48").then().statusCode(200);
    }

    @Test
    void ipsetAndIptablesRestoreAcceptTheirFormats() {
        Api.Node n = Api.node("ipset");
        String host = Api.ip();
        admin().body(Map.of("ip", host, "duration", "10m")).post("/api/v1/bans").then().statusCode(201);
        String ipset = Api.agent(n.token()).queryParam("format", "ipset").get("/api/v1/decisions").asString();
        String iptables = Api.agent(n.token()).queryParam("format", "iptables").queryParam("ports", "5060,5061")
                .get("/api/v1/decisions").asString();
        try (Netns ns = Netns.create("restore")) {
            ns.assumeWorks("ipset", "list", "-n");
            ns.execInput(ipset, "ipset", "restore");
            assertThat(ns.exec("ipset", "list", "fleetban4")).contains(host);
            ns.execInput(iptables, "iptables-restore", "--noflush");
            assertThat(ns.exec("iptables", "-S", "INPUT")).contains("fleetban4").contains("5060,5061");
        }
        admin().delete("/api/v1/bans/" + host).then().statusCode(200);
    }

    @Test
    void badFormatOrPortsAreNamed() {
        Api.Node n = Api.node("fmt");
        Api.agent(n.token()).queryParam("format", "pf").get("/api/v1/decisions").then().statusCode(400)
                .body("field", equalTo("format"));
        Api.agent(n.token()).queryParam("format", "nft").queryParam("ports", "5060,99999")
                .get("/api/v1/decisions").then().statusCode(400).body("field", equalTo("ports"));
    }
}
