#!/usr/bin/env bash
# Where report ingestion spends its time: one controller under bench/IngestLoad.java (8 agents,
# reports of 1 000 aggregates), profiled with JFR (settings=profile) on the Java side and
# pg_stat_statements on the PostgreSQL side, after a warm-up that neither of them sees.
#
#   bench/ingest-profile.sh [QUARKUS_APP_DIR] [SECONDS]    (defaults: target/quarkus-app, 30)
#
# Prints events/s, the io.fleetban methods most often on the sampled stacks (inclusive: a method
# counts once per sample wherever it is on the stack), JFR's hot methods (top of stack), and the
# statements with the most total time in PostgreSQL. Give it another build's quarkus-app (e.g. a
# `git worktree` of an older commit after `./mvnw package -DskipTests`) for a before/after in the
# same conditions. Needs root (PostgreSQL runs as the fleetban-pg user, as in ./fleetban).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$(cd "${1:-$HERE/target/quarkus-app}" && pwd)"
DURATION="${2:-30}"
WARMUP=15
JFR_TOOL=jfr
# JDK 21+'s jfr has `view hot-methods`; it reads recordings of a JDK 17 runtime too.
for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr /usr/lib/jvm/*/bin/jfr; do
  if [ -x "$j" ] && "$j" help view >/dev/null 2>&1; then JFR_TOOL="$j"; break; fi
done

. "$HERE/bench/lib.sh"
bench_workdir ingest-profile
bench_pg
pgsu() { runuser -u fleetban-pg -- psql -X -q -v ON_ERROR_STOP=1 -h "$WORK/pg/sock" -p "$PG_PORT" -U postgres "$@"; }
pgsu -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
"$HERE/fleetban" db stop "$WORK/pg" >/dev/null
bench_pg
bench_controller "$APP" fleetban_profile 512m
pgsu -d fleetban_profile -c "CREATE EXTENSION pg_stat_statements"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $APP, nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
java "$HERE/bench/IngestLoad.java" "$ADMIN" "$WARMUP" 8 1000 "$URL" | sed 's/^/warm-up: /'
pgsu -d fleetban_profile -c "SELECT pg_stat_statements_reset()" >/dev/null
jcmd "$PID" JFR.start name=ingest settings=profile >/dev/null
java "$HERE/bench/IngestLoad.java" "$ADMIN" "$DURATION" 8 1000 "$URL"
jcmd "$PID" JFR.dump name=ingest filename="$WORK/ingest.jfr" >/dev/null
echo "JFR recording: $WORK/ingest.jfr"

echo
echo "## io.fleetban methods on the sampled stacks (inclusive), controller"
"$JFR_TOOL" print --stack-depth 128 --events jdk.ExecutionSample "$WORK/ingest.jfr" | python3 -c '
import collections, re, sys
samples, counts, stack = 0, collections.Counter(), set()
for line in sys.stdin:
    if line.startswith("jdk.ExecutionSample"):
        if stack or samples: counts.update(stack)
        samples += 1; stack = set()
        continue
    m = re.match(r"\s+(io\.fleetban\.[\w.$]+)\(", line)
    if m and "$$" not in m.group(1) and "_Subclass" not in m.group(1) and "_ClientProxy" not in m.group(1):
        stack.add(re.sub(r"\.lambda\$(\w+)\$\d+$", r".\1", m.group(1)))
counts.update(stack)
print(f"{samples} samples")
print("| method | share of samples |\n|---|---|")
for m, n in counts.most_common(12):
    print(f"| `{m}` | {100 * n / samples:.1f} % |")
'
if "$JFR_TOOL" help view >/dev/null 2>&1; then
  echo
  echo "## hot methods (top of stack), controller"
  "$JFR_TOOL" view --width 160 hot-methods "$WORK/ingest.jfr" | head -n 16
fi

echo
echo "## PostgreSQL: statements by total time during the measured run"
pgsu -d fleetban_profile -P pager=off -c "
  SELECT calls, round(total_exec_time)::bigint AS total_ms, round(mean_exec_time::numeric, 2) AS mean_ms,
         rows, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'fleetban_profile')
   ORDER BY total_exec_time DESC LIMIT 6"
