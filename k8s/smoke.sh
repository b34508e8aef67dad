#!/usr/bin/env bash
# k8s/smoke.sh — the dev overlay under podman, end to end:
#   build both images (./fleetban image) and a local PostgreSQL stand-in, render k8s/overlays/dev
#   with kubectl kustomize, play what `podman kube play` supports of it (PostgreSQL, the controller
#   Deployment with its two replicas on one fresh database, the agent pod with --firewall none),
#   and show: both replicas become ready, the agent's init step registers the node and keeps its
#   token, a failure written to the node's FreeSWITCH log becomes a ban in the decisions feed of the
#   other replica. Then everything is torn down.
#
# Exit status: 0 passed, 77 cannot run here (the reason is printed), anything else failed.
# Needs root, podman, kubectl (with kustomize), yq, jq and the packaged jars (./mvnw package).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${FLEETBAN_SMOKE_DIR:-/var/tmp/fleetban/smoke}"
NET=fleetban-smoke
PROBE=fleetban-smoke-probe
PG_IMAGE=localhost/fleetban/postgres-smoke:15
BAD_IP=203.0.113.9

# Messages go to fd 3, the original stderr, so they show even from inside a silenced await.
exec 3>&2
step() { printf 'smoke: [%4ds] %s\n' "$SECONDS" "$*" >&3; }
skip() { printf 'smoke: SKIPPED: %s\n' "$*" >&3; exit 77; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&3; exit 1; }
pm() { "$HERE/fleetban" image podman "$@"; }

# Polls COMMAND every half second for up to SECONDS; true as soon as it succeeds.
await() {
  local seconds="$1" deadline
  shift
  deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# HTTP from inside the podman network (a probe container with curl), so nothing outside it is
# contacted: http METHOD URL [TOKEN] [JSON]
http() {
  local method="$1" url="$2" token="${3:-}" body="${4:-}" args
  args=(-fsS --max-time 10 -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
  pm exec "$PROBE" curl "${args[@]}" "$url"
}

teardown() {
  local pods
  pods=$(pm pod ps -q --filter label=fleetban.io/smoke=true 2>/dev/null || true)
  [ -z "$pods" ] || pm pod rm -f -t 0 $pods >/dev/null 2>&1 || true
  pm rm -f -t 0 "$PROBE" >/dev/null 2>&1 || true
  for s in $(cat "$RUN/secrets" 2>/dev/null); do pm secret rm "$s" >/dev/null 2>&1 || true; done
  pm volume rm -f fleetban-smoke-pgdata >/dev/null 2>&1 || true
  pm network rm -f "$NET" >/dev/null 2>&1 || true
  rm -rf "$RUN/node" "$RUN/emptydir"
}

on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    for c in $(pm ps -a --filter label=fleetban.io/smoke=true --format '{{.Names}}' 2>/dev/null | grep -v -- -infra); do
      printf '\n--- podman logs %s (last 40 lines)\n' "$c" >&3
      pm logs --tail 40 "$c" >&3 2>&1 || true
    done
  fi
  teardown
  step "torn down"
}

# --- can it run here? -----------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (rootful podman with hostPath volumes)"
for cmd in podman kubectl yq jq java; do
  command -v "$cmd" >/dev/null 2>&1 || skip "$cmd is not installed"
done
pm info >/dev/null 2>&1 || skip "podman does not work here: $(pm info 2>&1 | tail -n 1)"
[ -f "$HERE/target/fleetban-agent.jar" ] && [ -f "$HERE/target/quarkus-app/quarkus-run.jar" ] \
  || fail "target/fleetban-agent.jar or target/quarkus-app missing: run ./mvnw -B package -DskipTests first"

# The rendered manifests hold the Secrets.
umask 077
mkdir -p "$RUN"
# One smoke at a time on a machine: the pod, network and volume names are fixed.
exec 9>"$RUN/lock"
flock 9

# --- images -----------------------------------------------------------------------------------
step "building images (./fleetban image)"
"$HERE/fleetban" image
version=$(sed -n 's:^    <version>\(.*\)</version>$:\1:p' "$HERE/pom.xml" | head -n 1)
pm build -q --build-arg BASE=localhost/fleetban/debian-jre:bookworm-17 -t "$PG_IMAGE" \
  "$HERE/k8s/smoke/postgres" >/dev/null || fail "building the PostgreSQL stand-in failed"
step "images ready"

# --- render ---------------------------------------------------------------------------------
kubectl kustomize "$HERE/k8s/overlays/dev" >"$RUN/dev.yaml" || fail "kubectl kustomize k8s/overlays/dev failed"
yq -y -s --arg run "$RUN" --arg postgres "$PG_IMAGE" -f "$HERE/k8s/smoke/podman.jq" "$RUN/dev.yaml" >"$RUN/play.yaml"
grep -q "image: localhost/fleetban/controller:$version" "$RUN/play.yaml" \
  || fail "the dev overlay does not use localhost/fleetban/controller:$version (k8s/base/kustomization.yaml images)"
part() { yq -y "select(.kind == \"ConfigMap\" or $1)" "$RUN/play.yaml" >"$RUN/$2.yaml"; }
part '.kind == "PersistentVolumeClaim" or .metadata.name == "postgres"' postgres
part '.kind == "Deployment"' controller
part '.metadata.name == "fleetban-agent"' agent

trap on_exit EXIT
trap 'exit 143' TERM INT
teardown
mkdir -p "$RUN/node/var/log/freeswitch" "$RUN/node/var/lib/fleetban-agent" "$RUN/node/run"
: >"$RUN/node/var/log/freeswitch/freeswitch.log"
for d in $(yq -r '.. | .path? // empty' "$RUN/play.yaml" | grep "^$RUN/emptydir/"); do
  mkdir -p "$d" && chmod 1777 "$d"
done

# podman reads a Secret for env only from its own store, as a JSON map of key to base64 data.
: >"$RUN/secrets"
yq -c 'select(.kind == "Secret")' "$RUN/dev.yaml" | while IFS= read -r secret; do
  name=$(jq -r .metadata.name <<<"$secret")
  jq -c .data <<<"$secret" | pm secret create "$name" - >/dev/null
  echo "$name" >>"$RUN/secrets"
done
admin=$(yq -r 'select(.kind == "Secret" and (.metadata.name | startswith("fleetban-admin"))) | .data.token' "$RUN/dev.yaml" | base64 -d)

pm network create "$NET" >/dev/null 2>&1 || fail "podman network create $NET failed"
pm run -d --name "$PROBE" --label fleetban.io/smoke=true --network "$NET" --entrypoint sleep \
  "localhost/fleetban/agent:$version" 900 >/dev/null

# --- PostgreSQL, then both controller replicas at once on the fresh database ------------------
step "playing PostgreSQL (postgres-init/ as its init scripts)"
pm kube play --network "$NET" "$RUN/postgres.yaml" >/dev/null || fail "podman kube play postgres.yaml failed"
await 90 pm exec postgres-postgres pg_isready -q -h 127.0.0.1 -U postgres || fail "PostgreSQL not ready after 90 s"
step "PostgreSQL ready"

step "playing the controller Deployment (2 replicas, one fresh database: Flyway under its lock)"
pm kube play --network "$NET" "$RUN/controller.yaml" >/dev/null || fail "podman kube play controller.yaml failed"
for i in 0 1; do
  await 180 http GET "http://fleetban-controller-pod-$i:8080/q/health/ready" \
    || fail "controller replica $i not ready after 180 s"
  http GET "http://fleetban-controller-pod-$i:8080/q/health/started" >/dev/null || fail "startup probe path fails on replica $i"
  http GET "http://fleetban-controller-pod-$i:8080/q/health/live" >/dev/null || fail "liveness probe path fails on replica $i"
done
step "both controller replicas ready (read-only root, uid 185, no capabilities)"

# --- the agent: registration by the init step, then a failure in its log becomes a ban -------------
step "playing the agent pod (init step registers the node)"
pm kube play --network "$NET" "$RUN/agent.yaml" >/dev/null || fail "podman kube play agent.yaml failed"
token_file="$RUN/node/var/lib/fleetban-agent/node.token"
await 60 test -s "$token_file" || fail "the init step kept no token in the node's state directory"
nodes=$(http GET http://fleetban-controller-pod-1:8080/api/v1/nodes "$admin")
node=$(jq -r '.nodes[0].name // empty' <<<"$nodes")
[ -n "$node" ] || fail "no node registered: $nodes"
step "node '$node' registered; its token is in the hostPath state directory"

agent_usage=$(java -jar "$HERE/target/fleetban-agent.jar" run 2>&1 || true)
if grep -q "unknown command 'run'" <<<"$agent_usage"; then
  skip "all up to the node's registration passed, but target/fleetban-agent.jar has no 'run' command yet"
fi

step "writing 12 FreeSWITCH auth failures from $BAD_IP into the node's log"
for i in $(seq 1 12); do
  printf "%s [WARNING] sofia_reg.c:2852 SIP auth failure (REGISTER) on sofia profile 'internal' for [10%02d@example.com] from ip %s\n" \
    "$(date -u '+%Y-%m-%d %H:%M:%S.%6N')" "$i" "$BAD_IP"
done >>"$RUN/node/var/log/freeswitch/freeswitch.log"

# The smoke reads the feed as a node of its own: with the agent's token it would overwrite the
# agent's recorded cursor, which is checked below.
observer=$(http POST http://fleetban-controller-pod-1:8080/api/v1/nodes "$admin" '{"name":"smoke-observer"}' | jq -r .token)
banned() { http GET http://fleetban-controller-pod-1:8080/api/v1/decisions "$observer" | jq -e --arg ip "$BAD_IP" '.bans | any(.ip == $ip)'; }
await 60 banned || fail "$BAD_IP not in the decisions feed after 60 s"
step "ban on $BAD_IP is in the decisions feed (replica 1; the agent reported to replica 0):"
feed=$(http GET http://fleetban-controller-pod-1:8080/api/v1/decisions "$observer")
jq -c . <<<"$feed" >&3
http GET http://fleetban-controller-pod-1:8080/api/v1/bans "$admin" | jq -e --arg ip "$BAD_IP" --arg node "$node" \
  '.bans[] | select(.ip == $ip) | .evidence.nodes | has($node)' >/dev/null \
  || fail "the ban's evidence does not name node '$node'"

# The agent's long-poll picked the ban up too (the controller records each node's cursor).
cursor=$(jq -r .cursor <<<"$feed")
agent_caught_up() { http GET http://fleetban-controller-pod-1:8080/api/v1/nodes "$admin" \
  | jq -e --arg node "$node" --argjson c "$cursor" '.nodes[] | select(.name == $node) | .cursor >= $c'; }
await 30 agent_caught_up || fail "the agent's cursor did not reach the ban (cursor $cursor) in 30 s"
step "the agent polled past the ban (cursor $cursor)"
pm stats --no-stream --format '{{.Name}} {{.MemUsage}}' 2>/dev/null | grep -E 'controller|agent|postgres' | sed 's/^/smoke:   memory /' >&3 || true
step "PASSED"
