# The dev overlay, as far as `podman kube play` (4.3) takes it; everything changed here is what a
# podman host lacks or does differently from a cluster:
#  - no Services, NetworkPolicies, PDBs, PriorityClasses, ServiceAccounts or Namespaces: dropped;
#  - Secrets are created with `podman secret create` (kube play of Secrets is broken in 4.3);
#  - no StatefulSet or DaemonSet: their pod templates become Pods, named after the Service that
#    finds them in a cluster, so the names resolve on the podman network;
#  - no host network for the agent (podman's host network has no name resolution for pods), and
#    its hostPaths move under $run; the agent reaches controller replica 0 directly;
#  - the postgres image is a local stand-in (k8s/smoke/postgres), no registry being reachable;
#  - the agent runs with --firewall none: the smoke never touches this machine's firewall;
#  - podman's emptyDir is root-owned 0755 and it has no fsGroup: emptyDirs become hostPaths under
#    $run/emptydir (the script makes them 1777), the PVC's volume is owned by uid/gid 999;
#  - podman 4.3 publishes every containerPort on the host, and runs probes only through systemd:
#    ports and probes are dropped (pods talk over the podman network; the smoke calls the probe
#    paths itself);
#  - no spec.nodeName to read: the agent's node is called "smoke-node";
#  - podman 4.3 restarts a finished init container under restartPolicy Always (and then fails to
#    remove it): the agent pod restarts only what fails;
#  - podman 4.3 does not expand $(VAR) in args: done here, from the container's env and envFrom.
# Input: all documents slurped into one array (yq -s); output: one document after another.
# Every pod gets the label fleetban.io/smoke=true, which the teardown removes by.
def smoke: .metadata.labels["fleetban.io/smoke"] = "true"
  | .spec.containers |= map(del(.ports, .startupProbe, .readinessProbe, .livenessProbe));
def as_pod($name): {apiVersion: "v1", kind: "Pod",
  metadata: {name: $name, labels: .spec.template.metadata.labels}, spec: .spec.template.spec} | smoke;
def node_name: (.spec.initContainers, .spec.containers) |= map(.env |= map(
  if .valueFrom.fieldRef.fieldPath == "spec.nodeName" then {name: .name, value: "smoke-node"} else . end));
def under_run: .spec.volumes |= map(if .hostPath then .hostPath.path = ($run + "/node" + .hostPath.path) else . end);
def expand_args($configmaps): (.spec.initContainers, .spec.containers) |= map(
  (([(.envFrom // [])[] | $configmaps[.configMapRef.name] // {}] | add // {})
   + ((.env // []) | map(select(has("value")) | {key: .name, value: .value}) | from_entries)) as $vars
  | if .args then .args |= map(gsub("\\$\\((?<v>[A-Za-z_][A-Za-z0-9_]*)\\)"; $vars[.v] // "$(\(.v))")) else . end);
def emptydirs($pod): .spec.volumes |= map(if has("emptyDir")
  then {name: .name, hostPath: {path: ($run + "/emptydir/" + $pod + "-" + .name), type: "Directory"}} else . end);

map(if .kind == "ConfigMap" and (.metadata.name | startswith("fleetban-agent")) then
      .data.FLEETBAN_FIREWALL = "none" | .data.FLEETBAN_CONTROLLER = "http://fleetban-controller-pod-0:8080"
    else . end)
| (map(select(.kind == "ConfigMap") | {key: .metadata.name, value: .data}) | from_entries) as $configmaps
| .[]
| if .kind == "ConfigMap" then .
elif .kind == "StatefulSet" then
  (.spec.volumeClaimTemplates[0] | {apiVersion: "v1", kind: "PersistentVolumeClaim",
     metadata: {name: "fleetban-smoke-pgdata",
       annotations: {"volume.podman.io/uid": "999", "volume.podman.io/gid": "999"}}, spec: .spec}),
  (as_pod(.spec.serviceName)
   | .spec.volumes += [{name: "data", persistentVolumeClaim: {claimName: "fleetban-smoke-pgdata"}}]
   | .spec.containers[0].image = $postgres | emptydirs("postgres"))
elif .kind == "Deployment" then .metadata.name as $name | .spec.template |= (smoke | emptydirs($name))
elif .kind == "DaemonSet" then
  as_pod(.metadata.name) | del(.spec.hostNetwork, .spec.dnsPolicy, .spec.priorityClassName) | under_run | node_name
  | .spec.restartPolicy = "OnFailure" | expand_args($configmaps)
  | emptydirs(.metadata.name)
else empty
end
