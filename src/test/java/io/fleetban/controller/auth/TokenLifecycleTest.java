package io.fleetban.controller.auth;

import static io.fleetban.controller.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens can be rotated and revoked, and their last use is recorded. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TokenLifecycleTest {

    @Test
    void rotationShutsTheOldTokenOut() {
        Api.Node n = Api.node("rotate");
        n.decisions(0, 0).then().statusCode(200);
        String fresh = admin().post("/api/v1/nodes/" + n.name() + "/token").then().statusCode(200)
                .body("token", matchesPattern("[0-9a-f]{64}")).extract().path("token");
        n.decisions(0, 0).then().statusCode(401);
        new Api.Node(n.name(), fresh).decisions(0, 0).then().statusCode(200);
    }

    @Test
    void revocationShutsTheNodeOut() {
        Api.Node n = Api.node("revoke");
        admin().delete("/api/v1/nodes/" + n.name() + "/token").then().statusCode(200).body("revoked", equalTo(1));
        n.report(List.of()).then().statusCode(401);
        admin().delete("/api/v1/nodes/nope/token").then().statusCode(404);
    }

    @Test
    void deletingANodeRemovesItsTokens() {
        Api.Node n = Api.node("gone");
        admin().delete("/api/v1/nodes/" + n.name()).then().statusCode(200);
        n.decisions(0, 0).then().statusCode(401);
        List<String> names = admin().get("/api/v1/nodes").then().extract().jsonPath().getList("nodes.name");
        assertThat(names).doesNotContain(n.name());
    }

    @Test
    void lastUseIsRecorded() throws Exception {
        Api.Node n = Api.node("used");
        n.decisions(0, 0).then().statusCode(200);
        Thread.sleep(11_000); // last-used times are written in batches every 10 s
        Map<String, Object> me = admin().get("/api/v1/nodes").then().extract().jsonPath()
                .<Map<String, Object>>getList("nodes").stream().filter(m -> n.name().equals(m.get("name")))
                .findFirst().orElseThrow();
        assertThat(me.get("token_last_used")).isNotNull();
        assertThat(me.get("address")).isEqualTo("127.0.0.1");
    }
}
