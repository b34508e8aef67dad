#!/usr/bin/env bash
# Overload: 50 simulated agents at 5× an attacked node's normal rate for 2 minutes against one
# controller with its default limits and a bounded heap. An agent under attack reports every
# 100 ms (10 reports/s, README "collect"); here each sends 50 reports/s of 20 (ip, kind)
# aggregates, 2 500 reports/s in all, above the global limit of 2 000/s. Refused reports (429)
# are sent again after their Retry-After, as the agent does.
#
#   bench/overload.sh [SECONDS] [AGENTS] [RATE]      (defaults: 120 50 50)
#
# Prints the load's summary (reports, 429s, accepted events, latency p50/p95/p99/max), checks
# that every accepted event is stored (failure_totals), and samples the controller's heap
# (jstat: old generation after GCs, heap capacity) and RSS every 5 s. Needs root (PostgreSQL
# runs as the fleetban-pg user, as in ./fleetban).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${1:-120}"; AGENTS="${2:-50}"; RATE="${3:-50}"
HEAP=256m
WORK=$(mktemp -d /var/tmp/fleetban-overload.XXXXXX)
chmod 755 "$WORK"
PID=""
cleanup() {
  [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  "$HERE/fleetban" db stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK/pg"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port)
"$HERE/fleetban" db start "$WORK/pg" "$PG_PORT" >/dev/null
JDBC=$("$HERE/fleetban" db fresh "$WORK/pg" fleetban_overload)
PORT=$(free_port)
ADMIN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
QUARKUS_DATASOURCE_JDBC_URL="$JDBC" QUARKUS_DATASOURCE_USERNAME=fleetban QUARKUS_DATASOURCE_PASSWORD=fleetban \
QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 FLEETBAN_ADMIN_TOKEN="$ADMIN" \
  java "-Xmx$HEAP" -jar "$HERE/target/quarkus-app/quarkus-run.jar" >"$WORK/controller.log" 2>&1 &
PID=$!
for _ in $(seq 180); do curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { tail -n 30 "$WORK/controller.log"; exit 1; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), controller -Xmx$HEAP, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $AGENTS agents × $RATE reports/s × 20 aggregates for $DURATION s"
( while kill -0 "$PID" 2>/dev/null; do
    # jstat -gc: OU = old generation used (KiB), EU eden used, HC = total capacity after the columns
    jstat -gc "$PID" | awk -v rss="$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")" \
      'NR == 2 { printf "%s heap_used_mib=%.0f old_used_mib=%.0f heap_capacity_mib=%.0f rss_mib=%.0f\n", strftime("%T"), ($3+$4+$6+$8)/1024, $8/1024, ($1+$2+$5+$7)/1024, rss/1024 }'
    sleep 5
  done ) >"$WORK/heap.txt" 2>/dev/null &
SAMPLER=$!
RESULT=$(java -Drate="$RATE" "$HERE/bench/IngestLoad.java" "$ADMIN" "$DURATION" "$AGENTS" 20 "http://127.0.0.1:$PORT")
kill "$SAMPLER" 2>/dev/null || true
echo "$RESULT"
accepted=$(sed -n 's/.* accepted_events=\([0-9]*\).*/\1/p' <<<"$RESULT")
stored=$(PGPASSWORD=fleetban psql -X -At -h 127.0.0.1 -p "$PG_PORT" -U fleetban -d fleetban_overload \
  -c "SELECT coalesce(sum(total), 0) FROM failure_totals WHERE node LIKE 'load-%'")
echo "accepted events: $accepted, stored (failure_totals): $stored $([ "$accepted" = "$stored" ] && echo '(equal: nothing lost)' || echo '(DIFFERENT)')"
echo "controller heap and RSS, every 5 s (min / max of the samples):"
awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v = kv[2] + 0; if (!(kv[1] in lo) || v < lo[kv[1]]) lo[kv[1]] = v; if (v > hi[kv[1]]) hi[kv[1]] = v } }
     END { for (k in lo) printf "  %s %d / %d\n", k, lo[k], hi[k] }' "$WORK/heap.txt" | sort
grep -c "OutOfMemoryError" "$WORK/controller.log" | sed 's/^/OutOfMemoryError in the controller log: /'
[ "$accepted" = "$stored" ]
