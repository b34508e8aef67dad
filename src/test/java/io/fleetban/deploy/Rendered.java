package io.fleetban.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetban.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What {@code kubectl kustomize DIR} renders, as parsed documents: the manifests exactly as a
 * cluster would receive them (generated names, images and namespaces applied).
 */
record Rendered(String name, List<JsonNode> docs) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Renders DIR (relative to the project) with kubectl; fails with kubectl's message. */
    static Rendered of(String name, String dir) {
        Path home = TestDatabase.home();
        try {
            Path out = Files.createTempFile("kustomize-", ".yaml");
            try {
                Process p = new ProcessBuilder("kubectl", "kustomize", dir).directory(home.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + text);
                }
                List<JsonNode> docs = new ArrayList<>();
                YAML.readerFor(JsonNode.class).readValues(text).forEachRemaining(d -> docs.add((JsonNode) d));
                return new Rendered(name, docs);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl kustomize " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * An overlay with a component added, as an operator would write it: a kustomization in
     * target/ that refers to both (kustomize takes only relative paths).
     */
    static Rendered withComponent(String name, String overlay, String component) {
        Path dir = TestDatabase.home().resolve("target/kustomize-check/" + name);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("kustomization.yaml"), String.join("\n",
                    "apiVersion: kustomize.config.k8s.io/v1beta1",
                    "kind: Kustomization",
                    "resources:",
                    "  - ../../../" + overlay,
                    "components:",
                    "  - ../../../" + component,
                    ""));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return of(name, "target/kustomize-check/" + name);
    }

    Stream<JsonNode> ofKind(String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind));
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst();
    }

    /** The object, or a failure naming what this rendering lacks. */
    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(this.name + ": no " + kind + " " + name));
    }

    /** Pod templates of every workload (Deployment, StatefulSet, DaemonSet). */
    Stream<JsonNode> podSpecs() {
        return docs.stream().filter(d -> d.path("spec").path("template").path("spec").isObject())
                .map(d -> d.path("spec").path("template").path("spec"));
    }

    /** Every container and init container of every workload. */
    Stream<JsonNode> containers() {
        return podSpecs().flatMap(s -> Stream.concat(stream(s.path("initContainers")), stream(s.path("containers"))));
    }

    static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l.stream();
    }

    @Override
    public String toString() {
        return name;
    }
}
