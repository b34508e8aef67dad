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
. "$HERE/bench/lib.sh"
bench_workdir overload
bench_pg
bench_controller "$HERE/target/quarkus-app" fleetban_overload "$HEAP"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), controller -Xmx$HEAP, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $AGENTS agents × $RATE reports/s × 20 aggregates for $DURATION s"
( while kill -0 "$PID" 2>/dev/null; do
    # jstat -gc: OU = old generation used (KiB), EU eden used, HC = total capacity after the columns
    jstat -gc "$PID" | awk -v rss="$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")" \
      'NR == 2 { printf "%s heap_used_mib=%.0f old_used_mib=%.0f heap_capacity_mib=%.0f rss_mib=%.0f\n", strftime("%T"), ($3+$4+$6+$8)/1024, $8/1024, ($1+$2+$5+$7)/1024, rss/1024 }'
    sleep 5
  done ) >"$WORK/heap.txt" 2>/dev/null &
SAMPLER=$!
RESULT=$(java -Drate="$RATE" "$HERE/bench/IngestLoad.java" "$ADMIN" "$DURATION" "$AGENTS" 20 "$URL")
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
