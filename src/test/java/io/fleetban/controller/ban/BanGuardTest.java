package io.fleetban.controller.ban;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;

import io.fleetban.controller.Api;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.LocalAddresses;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The controller never bans its own addresses, whatever is reported or asked. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BanGuardTest {

    @Test
    void theControllersOwnAddressIsNeverBanned() {
        String own = LocalAddresses.enumerate().entries().stream().filter(c -> c.isV4())
                .map(Cidr::toString).filter(s -> !s.startsWith("127.")).findFirst().orElse(null);
        Assumptions.assumeTrue(own != null, "this machine has no non-loopback IPv4 address");
        Api.Node n = Api.node("self");

        n.report(List.of(event(own, "auth-failure", 100))).then().statusCode(200).body("banned", empty());
        admin().body(Map.of("ip", own, "duration", "1h")).post("/api/v1/bans").then().statusCode(409)
                .body("error", containsString("this controller"));
        assertThat(Api.activeBans()).doesNotContain(own);
    }
}
