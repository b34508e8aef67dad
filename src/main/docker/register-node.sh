#!/bin/sh
# register-node.sh: give this node its agent token once, keep it, and reuse it on every later start.
# The Kubernetes DaemonSet runs it as an init container; on other machines run it once by hand (or
# from systemd's ExecStartPre).
#
#   FLEETBAN_CONTROLLER   controller URL (http://fleetban-controller.fleetban.svc:8080)
#   FLEETBAN_NODE         this node's name (default: hostname)
#   FLEETBAN_TOKEN_FILE   where the token is kept (default: /var/lib/fleetban-agent/node.token)
#   FLEETBAN_ADMIN_TOKEN  admin token; only needed while the node has no token yet
set -eu

say() { printf 'register-node: %s\n' "$*" >&2; }

controller="${FLEETBAN_CONTROLLER:?set FLEETBAN_CONTROLLER to the controller URL}"
node="${FLEETBAN_NODE:-$(hostname)}"
file="${FLEETBAN_TOKEN_FILE:-/var/lib/fleetban-agent/node.token}"

if [ -s "$file" ]; then
  say "node '$node' already has its token in $file"
  exit 0
fi
# The controller's rule for node names; checked here too, since the name goes into JSON.
if ! printf '%s' "$node" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'; then
  say "node name '$node' is not 1-63 characters of A-Z a-z 0-9 . _ - (set FLEETBAN_NODE)"
  exit 2
fi
if [ -z "${FLEETBAN_ADMIN_TOKEN:-}" ]; then
  say "no token in $file and FLEETBAN_ADMIN_TOKEN is not set: set it to register node '$node'"
  exit 2
fi

# The admin token goes to curl on stdin, never on a command line that `ps` shows. curl retries
# while the controller is not reachable yet (a new cluster starts agents and controller together).
response=$(printf 'header = "Authorization: Bearer %s"\n' "$FLEETBAN_ADMIN_TOKEN" \
  | curl --config - -sS --max-time 10 --retry 30 --retry-delay 2 --retry-connrefused \
      -H 'Content-Type: application/json' --data "{\"name\":\"$node\"}" \
      -w '\n%{http_code}' "$controller/api/v1/nodes") || {
  say "cannot reach the controller at $controller"
  exit 1
}
status=$(printf '%s\n' "$response" | tail -n 1)
body=$(printf '%s\n' "$response" | sed '$d')

case "$status" in
  201)
    token=$(printf '%s' "$body" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    [ -n "$token" ] || { say "controller answered 201 without a token: $body"; exit 1; }
    mkdir -p "$(dirname "$file")"
    # Written whole or not at all: a crash here must not leave a half token behind.
    (umask 077 && printf '%s\n' "$token" >"$file.tmp" && mv "$file.tmp" "$file")
    say "registered node '$node'; its token is in $file"
    ;;
  409)
    # Not rotated automatically: a second machine under the same name would lock the first one out.
    say "node '$node' is registered already, but $file has no token (the token is shown only once)."
    say "Either give it a new token and put that into $file on this node:"
    say "  curl -X POST -H 'Authorization: Bearer ADMIN_TOKEN' $controller/api/v1/nodes/$node/token"
    say "or remove the node (curl -X DELETE ... $controller/api/v1/nodes/$node) and restart this agent,"
    say "which then registers it afresh."
    exit 1
    ;;
  401|403)
    say "the controller refused the admin token (HTTP $status): check FLEETBAN_ADMIN_TOKEN"
    exit 1
    ;;
  *)
    say "registering node '$node' failed: HTTP $status $body"
    exit 1
    ;;
esac
