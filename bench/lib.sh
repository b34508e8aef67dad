# Sourced by bench/ingest-profile.sh and bench/overload.sh: a throwaway PostgreSQL (`./fleetban
# db`, as the fleetban-pg user) and one controller on loopback, both gone when the script exits.
#   bench_workdir NAME          $WORK, a fresh directory under /var/tmp
#   bench_pg                    PostgreSQL in $WORK/pg on $PG_PORT
#   bench_controller APP DB HEAP  a fresh database DB and the controller of APP/quarkus-run.jar
#                               with -Xmx HEAP: $URL, $ADMIN (its admin token), $PID

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

bench_workdir() {
  WORK=$(mktemp -d "/var/tmp/fleetban-$1.XXXXXX")
  chmod 755 "$WORK"  # the fleetban-pg user goes through it
  PID=""
  trap bench_cleanup EXIT
}

bench_cleanup() {
  [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  "$HERE/fleetban" db stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK/pg"
}

bench_pg() {
  PG_PORT=${PG_PORT:-$(free_port)}
  "$HERE/fleetban" db start "$WORK/pg" "$PG_PORT" >/dev/null
}

bench_controller() {
  local app="$1" db="$2" heap="$3" jdbc port
  jdbc=$("$HERE/fleetban" db fresh "$WORK/pg" "$db")
  port=$(free_port)
  URL="http://127.0.0.1:$port"
  ADMIN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  QUARKUS_DATASOURCE_JDBC_URL="$jdbc" QUARKUS_DATASOURCE_USERNAME=fleetban QUARKUS_DATASOURCE_PASSWORD=fleetban \
  QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 FLEETBAN_ADMIN_TOKEN="$ADMIN" \
    java "-Xmx$heap" -jar "$app/quarkus-run.jar" >"$WORK/controller.log" 2>&1 &
  PID=$!
  for _ in $(seq 180); do curl -fsS "$URL/q/health/ready" >/dev/null 2>&1 && return 0; sleep 1; done
  tail -n 30 "$WORK/controller.log" >&2
  echo "the controller did not get ready" >&2
  exit 1
}
