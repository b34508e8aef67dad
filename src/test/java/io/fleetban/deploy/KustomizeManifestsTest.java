package io.fleetban.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetban.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every overlay of k8s/ renders with {@code kubectl kustomize}, and what it renders keeps the
 * promises of README "Kubernetes": an HA controller that is hard to break into, an agent with
 * exactly the powers it needs, and no reference to a Secret, ConfigMap or image that is not there.
 */
class KustomizeManifestsTest {

    private static List<Rendered> all;
    private static Rendered dev;
    private static Rendered cnpg;

    @BeforeAll
    static void render() {
        boolean kubectl = Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(java.nio.file.Path.of(d, "kubectl")));
        Assumptions.assumeTrue(kubectl, "kubectl (with kustomize) is not installed: k8s/ rendering not checked");
        Rendered base = Rendered.of("base", "k8s/base");
        dev = Rendered.of("dev", "k8s/overlays/dev");
        cnpg = Rendered.of("cloudnativepg", "k8s/overlays/cloudnativepg");
        all = List.of(base, dev, cnpg,
                Rendered.withComponent("dev+monitoring", "k8s/overlays/dev", "k8s/components/monitoring"),
                Rendered.withComponent("cloudnativepg+monitoring", "k8s/overlays/cloudnativepg", "k8s/components/monitoring"));
    }

    static List<Rendered> renderings() {
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everythingNamespacedIsInNamespaceFleetban(Rendered r) {
        Set<String> clusterScoped = Set.of("Namespace", "PriorityClass");
        assertThat(r.docs()).isNotEmpty();
        r.docs().stream().filter(d -> !clusterScoped.contains(d.path("kind").asText())).forEach(d ->
                assertThat(d.path("metadata").path("namespace").asText())
                        .as("%s: %s %s", r, d.path("kind").asText(), d.path("metadata").path("name").asText())
                        .isEqualTo("fleetban"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void controllerIsHighlyAvailable(Rendered r) {
        JsonNode d = r.get("Deployment", "fleetban-controller");
        assertThat(d.path("spec").path("replicas").asInt()).as("replicas").isGreaterThanOrEqualTo(2);
        JsonNode rolling = d.path("spec").path("strategy").path("rollingUpdate");
        assertThat(rolling.path("maxUnavailable").asText()).as("maxUnavailable").isEqualTo("0");
        JsonNode podLabels = d.path("spec").path("template").path("metadata").path("labels");
        JsonNode anti = d.path("spec").path("template").path("spec").path("affinity").path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution").path(0).path("podAffinityTerm");
        assertThat(anti.path("topologyKey").asText()).as("anti-affinity across nodes").isEqualTo("kubernetes.io/hostname");
        assertSelects(anti.path("labelSelector").path("matchLabels"), podLabels, "anti-affinity selector");

        JsonNode pdb = r.get("PodDisruptionBudget", "fleetban-controller");
        assertThat(pdb.path("spec").path("minAvailable").asInt()).as("PDB minAvailable").isEqualTo(1);
        assertSelects(pdb.path("spec").path("selector").path("matchLabels"), podLabels, "PDB selector");

        JsonNode svc = r.get("Service", "fleetban-controller");
        assertSelects(svc.path("spec").path("selector"), podLabels, "Service selector");
        assertThat(svc.path("spec").path("ports").path(0).path("targetPort").asText()).isEqualTo("http");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void controllerProbesAreOnTheHealthPaths(Rendered r) {
        JsonNode c = only(r.get("Deployment", "fleetban-controller").path("spec").path("template").path("spec").path("containers"));
        assertThat(c.path("ports").path(0).path("name").asText()).isEqualTo("http");
        assertThat(c.path("ports").path(0).path("containerPort").asInt()).isEqualTo(8080);
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).startsWith("/q/health/");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(c.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("http");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void controllerRunsNonRootReadOnlyWithoutCapabilities(Rendered r) {
        JsonNode pod = r.get("Deployment", "fleetban-controller").path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as("runAsNonRoot").isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).as("runAsUser").isPositive();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as("no API token in the pod").isFalse();
        JsonNode sc = only(pod.path("containers")).path("securityContext");
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem").isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as("allowPrivilegeEscalation").isFalse();
        assertThat(texts(sc.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(sc.path("capabilities").path("add").isMissingNode()).as("no capability added").isTrue();

        String account = pod.path("serviceAccountName").asText();
        assertThat(r.find("ServiceAccount", account)).as("ServiceAccount " + account).isPresent();
        assertThat(r.ofKind("Role").count() + r.ofKind("ClusterRole").count()
                + r.ofKind("RoleBinding").count() + r.ofKind("ClusterRoleBinding").count())
                .as("no API rights for anyone").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void controllerTalksOnlyToPostgresAndDns(Rendered r) {
        JsonNode np = r.get("NetworkPolicy", "fleetban-controller");
        assertThat(texts(np.path("spec").path("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        JsonNode podLabels = r.get("Deployment", "fleetban-controller").path("spec").path("template").path("metadata").path("labels");
        assertSelects(np.path("spec").path("podSelector").path("matchLabels"), podLabels, "NetworkPolicy podSelector");
        Set<String> egressPorts = Rendered.stream(np.path("spec").path("egress"))
                .flatMap(e -> Rendered.stream(e.path("ports")))
                .map(p -> p.path("protocol").asText("TCP") + "/" + p.path("port").asText())
                .collect(Collectors.toSet());
        assertThat(egressPorts).containsExactlyInAnyOrder("TCP/5432", "UDP/53", "TCP/53");
        Rendered.stream(np.path("spec").path("egress")).forEach(e ->
                assertThat(e.path("to")).as("every egress rule names its peers").isNotEmpty());
        assertThat(Rendered.stream(np.path("spec").path("ingress")).flatMap(i -> Rendered.stream(i.path("ports")))
                .map(p -> p.path("port").asText())).containsOnly("http");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void agentHasHostNetworkAndExactlyNetAdminAndNetRaw(Rendered r) {
        JsonNode ds = r.get("DaemonSet", "fleetban-agent");
        JsonNode pod = ds.path("spec").path("template").path("spec");
        assertThat(pod.path("hostNetwork").asBoolean()).as("hostNetwork").isTrue();
        assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(Rendered.stream(pod.path("tolerations")).anyMatch(t ->
                t.path("operator").asText().equals("Exists") && t.path("key").isMissingNode() && t.path("effect").isMissingNode()))
                .as("tolerates every taint").isTrue();
        String priority = pod.path("priorityClassName").asText();
        assertThat(priority).as("priorityClassName").isNotEmpty();
        assertThat(r.get("PriorityClass", priority).path("value").asInt()).isPositive();

        JsonNode agent = only(pod.path("containers"));
        JsonNode sc = agent.path("securityContext");
        assertThat(sc.path("privileged").asBoolean()).as("privileged").isFalse();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as("allowPrivilegeEscalation").isFalse();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem").isTrue();
        assertThat(texts(sc.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(texts(sc.path("capabilities").path("add"))).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
        JsonNode init = only(pod.path("initContainers"));
        assertThat(init.path("securityContext").path("capabilities").path("add").isMissingNode())
                .as("the registration step needs no capability").isTrue();
        assertThat(texts(init.path("securityContext").path("capabilities").path("drop"))).containsExactly("ALL");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void agentReadsTheLogReadOnlyAndKeepsItsTokenOnTheNode(Rendered r) {
        JsonNode pod = r.get("DaemonSet", "fleetban-agent").path("spec").path("template").path("spec");
        Map<String, JsonNode> volumes = Rendered.stream(pod.path("volumes"))
                .collect(Collectors.toMap(v -> v.path("name").asText(), v -> v));
        JsonNode agent = only(pod.path("containers"));
        JsonNode logMount = mount(agent, "/var/log/freeswitch");
        assertThat(logMount.path("readOnly").asBoolean()).as("FreeSWITCH log mounted read-only").isTrue();
        assertThat(volumes.get(logMount.path("name").asText()).path("hostPath").path("path").asText()).isEqualTo("/var/log/freeswitch");
        JsonNode stateMount = mount(agent, "/var/lib/fleetban-agent");
        assertThat(volumes.get(stateMount.path("name").asText()).path("hostPath").path("path").asText())
                .as("state survives the pod").isEqualTo("/var/lib/fleetban-agent");

        // The init step registers with the admin token, into the same state directory the agent reads.
        JsonNode init = only(pod.path("initContainers"));
        assertThat(mount(init, "/var/lib/fleetban-agent").path("name").asText()).isEqualTo(stateMount.path("name").asText());
        assertThat(env(init, "FLEETBAN_TOKEN_FILE").path("value").asText()).isEqualTo("/var/lib/fleetban-agent/node.token");
        assertThat(env(init, "FLEETBAN_ADMIN_TOKEN").path("valueFrom").path("secretKeyRef").path("name").asText()).startsWith("fleetban-admin");
        assertThat(env(init, "FLEETBAN_NODE").path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("spec.nodeName");
        assertThat(env(agent, "FLEETBAN_ADMIN_TOKEN").isMissingNode()).as("the running agent never holds the admin token").isTrue();
        List<String> args = texts(agent.path("args"));
        assertThat(args.get(0)).isEqualTo("run");
        assertThat(args.get(args.indexOf("--token-file") + 1)).isEqualTo("/var/lib/fleetban-agent/node.token");
        assertThat(args.get(args.indexOf("--state") + 1)).isEqualTo("/var/lib/fleetban-agent");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyContainerHasResources(Rendered r) {
        r.containers().forEach(c -> {
            String name = c.path("name").asText();
            for (String kind : List.of("requests", "limits")) {
                assertThat(c.path("resources").path(kind).path("memory").asText()).as("%s %s.memory", name, kind).isNotEmpty();
            }
            assertThat(c.path("resources").path("requests").path("cpu").asText()).as("%s requests.cpu", name).isNotEmpty();
            assertThat(c.path("resources").path("limits").path("cpu").asText()).as("%s limits.cpu", name).isNotEmpty();
        });
        r.ofKind("Cluster").forEach(c -> assertThat(c.path("spec").path("resources").path("limits").path("memory").asText()).isNotEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void imagesArePinnedAndOursCarryTheProjectVersion(Rendered r) throws IOException {
        String version = projectVersion();
        Stream.concat(r.containers().map(c -> c.path("image").asText()),
                r.ofKind("Cluster").map(c -> c.path("spec").path("imageName").asText())).forEach(image -> {
            String tag = image.contains("@") ? "digest" : image.substring(image.lastIndexOf('/') + 1).replaceFirst("^[^:]*:?", "");
            assertThat(tag).as("tag of " + image).isNotEmpty().isNotEqualTo("latest");
            if (image.startsWith("localhost/fleetban/")) {
                assertThat(tag).as(image + " is the project's version (pom.xml)").isEqualTo(version);
            }
        });
        assertThat(r.containers().map(c -> c.path("image").asText()))
                .contains("localhost/fleetban/controller:" + version, "localhost/fleetban/agent:" + version);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyReferencedSecretAndConfigMapExists(Rendered r) {
        Set<String> secrets = r.ofKind("Secret").map(d -> d.path("metadata").path("name").asText()).collect(Collectors.toSet());
        Set<String> configMaps = r.ofKind("ConfigMap").map(d -> d.path("metadata").path("name").asText()).collect(Collectors.toSet());
        Set<String> wanted = new HashSet<>();
        r.docs().forEach(d -> collectRefs(d, wanted));
        for (String ref : wanted) {
            String[] kindName = ref.split(":", 2);
            Set<String> have = kindName[0].equals("Secret") ? secrets : configMaps;
            assertThat(have).as("%s: %s %s is referred to", r, kindName[0], kindName[1]).contains(kindName[1]);
        }
        assertThat(wanted).as("generated names (with their hash) reached the references")
                .anyMatch(ref -> ref.matches("Secret:fleetban-admin-[a-z0-9]{10}"));
    }

    @Test
    void devOverlayRunsPostgresWithTheInitScriptsAndAVolume() {
        JsonNode sts = dev.get("StatefulSet", "postgres");
        JsonNode pod = sts.path("spec").path("template").path("spec");
        assertThat(sts.path("spec").path("volumeClaimTemplates").path(0).path("metadata").path("name").asText()).isEqualTo("data");
        JsonNode pg = only(pod.path("containers"));
        assertThat(mount(pg, "/var/lib/postgresql/data").path("name").asText()).isEqualTo("data");
        JsonNode initMount = mount(pg, "/docker-entrypoint-initdb.d");
        assertThat(initMount.path("readOnly").asBoolean()).as("init scripts mounted read-only").isTrue();
        String initMap = Rendered.stream(pod.path("volumes")).filter(v -> v.path("name").asText().equals(initMount.path("name").asText()))
                .findFirst().orElseThrow().path("configMap").path("name").asText();
        JsonNode scripts = dev.get("ConfigMap", initMap).path("data");
        assertThat(scripts.has("01-fleetban.sh") && scripts.has("fleetban.psql")).as("postgres-init/ in " + initMap).isTrue();
        assertThat(env(pg, "FLEETBAN_DB_PASSWORD").path("valueFrom").path("secretKeyRef").path("name").asText()).startsWith("fleetban-db-");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(sts.path("spec").path("template").path("metadata").path("labels").path("fleetban.io/role").asText())
                .as("label the controller's NetworkPolicy lets through").isEqualTo("database");
        assertThat(jdbcHost(dev)).isEqualTo("postgres");
        assertThat(dev.find("Service", "postgres")).isPresent();
    }

    @Test
    void cloudNativePgOverlayRunsThreeInstancesWithBackupsAndTheControllerOnItsPrimary() {
        JsonNode cluster = cnpg.ofKind("Cluster").findFirst().orElseThrow(() -> new AssertionError("no CloudNativePG Cluster"));
        String name = cluster.path("metadata").path("name").asText();
        assertThat(cluster.path("spec").path("instances").asInt()).isEqualTo(3);
        assertThat(jdbcHost(cnpg)).as("the controller follows the primary").isEqualTo(name + "-rw");
        assertThat(cluster.path("spec").path("inheritedMetadata").path("labels").path("fleetban.io/role").asText()).isEqualTo("database");
        JsonNode initdb = cluster.path("spec").path("bootstrap").path("initdb");
        assertThat(initdb.path("database").asText()).isEqualTo("fleetban");
        JsonNode appSecret = cnpg.get("Secret", initdb.path("secret").path("name").asText());
        assertThat(appSecret.path("type").asText()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(appSecret.path("data").has("username") && appSecret.path("data").has("password")).isTrue();
        JsonNode backup = cnpg.ofKind("ScheduledBackup").findFirst().orElseThrow(() -> new AssertionError("no ScheduledBackup"));
        assertThat(backup.path("spec").path("cluster").path("name").asText()).isEqualTo(name);
        assertThat(backup.path("spec").path("schedule").asText()).isNotEmpty();
        assertThat(cluster.path("spec").path("backup").path("barmanObjectStore").path("destinationPath").asText()).startsWith("s3://");
        assertThat(cnpg.find("StatefulSet", "postgres")).as("no dev database in production").isEmpty();
    }

    @Test
    void monitoringComponentScrapesTheControllersMetrics() {
        for (Rendered r : all.stream().filter(x -> x.name().endsWith("+monitoring")).toList()) {
            JsonNode sm = r.get("ServiceMonitor", "fleetban-controller");
            assertSelects(sm.path("spec").path("selector").path("matchLabels"),
                    r.get("Service", "fleetban-controller").path("metadata").path("labels"), "ServiceMonitor selector");
            JsonNode endpoint = only(sm.path("spec").path("endpoints"));
            assertThat(endpoint.path("port").asText()).isEqualTo("http");
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
            assertThat(r.find("NetworkPolicy", "fleetban-controller-metrics")).as("Prometheus may reach the controllers").isPresent();
        }
        assertThat(dev.find("ServiceMonitor", "fleetban-controller")).as("monitoring is optional").isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertThat(selector.size()).as(what + " is not empty").isPositive();
        selector.fields().forEachRemaining(e ->
                assertThat(labels.path(e.getKey()).asText()).as(what + " " + e.getKey()).isEqualTo(e.getValue().asText()));
    }

    private static JsonNode only(JsonNode array) {
        assertThat(array.size()).as("exactly one in " + array).isEqualTo(1);
        return array.get(0);
    }

    private static JsonNode mount(JsonNode container, String path) {
        return Rendered.stream(container.path("volumeMounts")).filter(m -> m.path("mountPath").asText().equals(path))
                .findFirst().orElseThrow(() -> new AssertionError(container.path("name").asText() + " does not mount " + path));
    }

    private static JsonNode env(JsonNode container, String name) {
        return Rendered.stream(container.path("env")).filter(e -> e.path("name").asText().equals(name))
                .findFirst().orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    private static List<String> texts(JsonNode array) {
        return Rendered.stream(array).map(JsonNode::asText).toList();
    }

    private static String jdbcHost(Rendered r) {
        String url = r.ofKind("ConfigMap").filter(c -> c.path("metadata").path("name").asText().startsWith("fleetban-controller-"))
                .findFirst().orElseThrow().path("data").path("QUARKUS_DATASOURCE_JDBC_URL").asText();
        Matcher m = Pattern.compile("^jdbc:postgresql://([^:/]+)[:/].*").matcher(url);
        assertThat(m.matches()).as("JDBC URL " + url).isTrue();
        return m.group(1);
    }

    /** secretKeyRef, secretRef, configMapKeyRef, configMapRef and configMap volumes, anywhere. */
    private static void collectRefs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String kind = switch (e.getKey()) {
                    case "secretKeyRef", "secretRef" -> "Secret";
                    case "configMapKeyRef", "configMapRef", "configMap" -> "ConfigMap";
                    default -> null;
                };
                if (kind != null && e.getValue().path("name").isTextual()) {
                    out.add(kind + ":" + e.getValue().path("name").asText());
                }
                collectRefs(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
        if (node.path("kind").asText().equals("Cluster")) {
            JsonNode spec = node.path("spec");
            out.add("Secret:" + spec.path("bootstrap").path("initdb").path("secret").path("name").asText());
            out.add("Secret:" + spec.path("backup").path("barmanObjectStore").path("s3Credentials").path("accessKeyId").path("name").asText());
        }
    }

    private static String projectVersion() throws IOException {
        String pom = Files.readString(TestDatabase.home().resolve("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>fleetban</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).as("project version in pom.xml").isTrue();
        return m.group(1);
    }
}
