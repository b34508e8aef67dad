#!/usr/bin/env bash
# bench/suite.sh — every headline number of Fleetban next to its real peer, measured in one run on
# one machine (run it as `./fleetban bench [--quick]`, which installs the peers and builds first).
#
#   full     (< 30 min) the sizes of issue 7; rewrites the results section of BENCHMARKS.md
#   --quick  (< 5 min)  the same harness on small inputs, a smoke test of the harness only
#                       (./fleetban test runs it); prints the table, leaves BENCHMARKS.md alone
#
# What runs where: PostgreSQL (`./fleetban db start`) and two controllers (the packaged
# quarkus-run.jar) in the root namespace, bound to the host end of a veth pair; the node's agent in
# namespace fbb-node-PID behind that veth; fail2ban-server in fbb-f2b-PID; CrowdSec's LAPI, cscli,
# crowdsec-firewall-bouncer and the clients that measure CrowdSec in fbb-cs-PID. No firewall rule,
# service or file outside $FLEETBAN_BENCH_DIR (default /var/tmp/fleetban/bench) is touched, and
# everything started is stopped on exit, also on Ctrl-C. Needs root (network namespaces, nft).
#
# How CrowdSec runs offline here (Debian's crowdsec 1.4.6 expects the internet on first setup):
#   - its own config dir, SQLite database (WAL, as Debian's postinst sets it) and data/hub dirs in
#     $RUN/crowdsec, nothing read from or written to /etc/crowdsec or /var/lib/crowdsec;
#   - no `online_client` section in its config.yaml, so the Central API is never contacted ("push
#     and pull to Central API disabled"); no hub: nothing is downloaded or installed;
#   - `crowdsec -no-cs`: only the Local API runs, no agent, so no acquisition and no log is tailed;
#   - listens on 127.0.0.1:8080 of its own namespace; prometheus off;
#   - `cscli machines add` (cscli's decisions import goes through the LAPI as a machine) and
#     `cscli bouncers add` for the keys; the bans come in with `cscli decisions import`.
# (`./fleetban bench` seeds /etc/crowdsec/online_api_credentials.yaml with a comment before
# `apt-get install crowdsec`, the way README.Debian documents to skip the Central API registration
# that otherwise fails the package's postinst without internet.)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0
case "${1:-}" in
  --quick) QUICK=1 ;;
  "") ;;
  *) echo "usage: bench/suite.sh [--quick]" >&2; exit 2 ;;
esac

BASE="${FLEETBAN_BENCH_DIR:-/var/tmp/fleetban/bench}"
RUN="$BASE/run-$(date -u +%Y%m%dT%H%M%SZ)$([ "$QUICK" = 0 ] || echo -quick)"
LOGS="$RUN/logs"
DATA="$RUN/data"
ROWS="$RUN/rows"
AGENT_JAR="$HERE/target/fleetban-agent.jar"
CONTROLLER_JAR="$HERE/target/quarkus-app/quarkus-run.jar"
CONTROLLER_JVM="${FLEETBAN_BENCH_CONTROLLER_JVM:--Xmx512m}"
# The agent's flags from README "Running the agent" for the time-to-ban; the memory measure looks
# for the smallest heap that holds the bans (README "collect" flags with -Xmx raised step by step).
AGENT_RUN_JVM="-Xmx32m -XX:+UseSerialGC"
AGENT_SMALL_JVM="-Xms4m -Xmn2m -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=8m -XX:MaxMetaspaceSize=32m -Xss256k -XX:-UsePerfData"
AGENT_HEAPS=(12m 16m 24m 32m 48m 64m)

if [ "$QUICK" = 1 ]; then
  FILTER_LINES=20000; FILTER_RUNS=1
  INGEST_WARMUP=3; INGEST_SECONDS=5; INGEST_RUNS=1
  SIZES=(10000); SNAP_RUNS=1
  POLL_WARMUP=1; POLL_SECONDS=2; POLL_RUNS=1
  RESYNC_RUNS=1; TTB_RUNS=3
else
  FILTER_LINES=1000000; FILTER_RUNS=5
  INGEST_WARMUP=10; INGEST_SECONDS=10; INGEST_RUNS=5
  SIZES=(10000 100000); SNAP_RUNS=5
  POLL_WARMUP=3; POLL_SECONDS=5; POLL_RUNS=5
  RESYNC_RUNS=5; TTB_RUNS=20
fi
MAX_BANS="${SIZES[-1]}"
POLL_CLIENTS=50
BOUNCER_LIMIT=600   # issue 7: stop crowdsec-firewall-bouncer after 10 minutes and report its count

NODE_NS="fbb-node-$$"; F2B_NS="fbb-f2b-$$"; CS_NS="fbb-cs-$$"
VETH_HOST="fbb$$h"; VETH_NODE="fbb$$n"
NET="10.79.$(( $$ % 250 + 1 ))"
HOST_IP="$NET.1"; NODE_IP="$NET.2"
CS_URL="http://127.0.0.1:8080"

exec 3>&2
say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&3; }
die() { printf 'bench: error: %s\n' "$*" >&3; exit 1; }
skip() { printf 'bench: SKIPPED: %s\n' "$*" >&3; exit 77; }

# --- plumbing -------------------------------------------------------------------------------

in_ns() { local ns="$1"; shift; if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi; }

# spawn NAME LOG CMD...: a background process, stopped by cleanup; its pid in $DATA/NAME.pid
spawn() {
  local name="$1" log="$2"; shift 2
  "$@" >"$log" 2>&1 &
  echo "$!" >"$DATA/$name.pid"
  echo "$!" >>"$RUN/pids"
}

stop() {
  local f="$DATA/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  if [ -f "$RUN/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$RUN/pids"
    sleep 1
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$RUN/pids"
  fi
  for ns in "$NODE_NS" "$F2B_NS" "$CS_NS"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$VETH_HOST" 2>/dev/null || true
  if [ -d "$RUN/pg/data" ]; then
    "$HERE/fleetban" db stop "$RUN/pg" >/dev/null 2>&1 || true
    rm -rf "$RUN/pg"  # millions of offense rows after the ingestion run: gigabytes
  fi
  exit "$rc"
}

# row KEY MEASURE OURS PEER RATIO TARGET MET: one line of the result table
row() { local key="$1"; shift; local IFS=$'\t'; echo "$*" >"$ROWS/$key"; }

# measure KEY FUNCTION [ARGS]: runs one measure in a subshell (its failure costs its row, not the
# run); its output goes to $LOGS/KEY.log
FAILED=()
measure() {
  local key="$1" rc; shift
  say "$key: $(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg)"
  set +e
  ( set -euo pipefail; "$@" ) >"$LOGS/$key.log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    FAILED+=("$key")
    say "$key FAILED (exit $rc), last lines of $LOGS/$key.log:"
    tail -n 15 "$LOGS/$key.log" >&3
  fi
}

# min median max of the numbers on stdin
stats() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) exit 1; printf "%s %s %s\n", a[1], (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR]}'; }
# "median (min–max)" with FORMAT for each number
mmm() { local fmt="$1" a b c; read -r a b c; printf "$fmt (min $fmt, max $fmt)" "$b" "$a" "$c"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "–"; else printf "%.1f×", a / b }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
kv() { sed -n "s/^$2=//p" "$1"; }
rss_of() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }   # MiB
json_count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d[sys.argv[2]] or []))' "$1" "$2"; }

wait_for() {  # wait_for SECONDS WHAT CMD...: until CMD succeeds
  local secs="$1" what="$2" deadline; shift 2
  deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { say "timed out after ${secs}s waiting for $what"; return 1; }
    sleep 0.3
  done
}

admin() { curl -fsS -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$@"; }

register_node() {  # register_node URL NAME: prints the node's token
  admin -d "{\"name\":\"$2\"}" "$1/api/v1/nodes" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# --- preflight, conditions ------------------------------------------------------------------

preflight() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, nft, its own PostgreSQL user)"
  ip netns add "fbb-probe-$$" 2>/dev/null || skip "network namespaces are not permitted here"
  ip netns del "fbb-probe-$$"
  local cmd
  for cmd in java nft wrk curl psql python3 fail2ban-regex fail2ban-server crowdsec cscli crowdsec-firewall-bouncer; do
    command -v "$cmd" >/dev/null || die "$cmd not found (./fleetban bench installs it)"
  done
  [ -f "$AGENT_JAR" ] && [ -f "$CONTROLLER_JAR" ] || die "no packaged jars (./mvnw -B package -DskipTests)"
  mkdir -p "$LOGS" "$DATA" "$ROWS" "$BASE/cache"
  : >"$RUN/pids"
}

conditions() {
  local mem
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  cat >"$DATA/conditions.md" <<EOF
- **When**: $(date -u '+%Y-%m-%d %H:%M UTC') ($([ "$QUICK" = 1 ] && echo "\`--quick\`: small inputs, one repetition, figures for the harness only" || echo "full run"))
- **Machine**: \`nproc\` $(nproc), $mem, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
- **JDK**: $(java -version 2>&1 | head -n1); controllers \`$CONTROLLER_JVM\`
- **Peers**: fail2ban $(fail2ban-server -V 2>/dev/null | head -n1), crowdsec $(cscli version 2>&1 | sed -n 's/.*version: v\{0,1\}\([^ ]*\).*/\1/p' | head -n1), crowdsec-firewall-bouncer $(dpkg-query -W -f='${Version}' crowdsec-firewall-bouncer 2>/dev/null), $(nft --version), $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}'), PostgreSQL $(psql --version | awk '{print $3}')
- **Load average** at the start: $(cut -d' ' -f1-3 /proc/loadavg)
EOF
}

# --- 1. filter throughput --------------------------------------------------------------------

m_filter() {
  LINES="$FILTER_LINES" RUNS="$FILTER_RUNS" WORK="$BASE/cache/filter" RESULT_FILE="$DATA/filter.kv" \
    bash "$HERE/bench/filter-vs-fail2ban.sh"
  local f="$DATA/filter.kv" lines om tm
  lines=$(kv "$f" lines); om=$(kv "$f" ours_med); tm=$(kv "$f" f2b_med)
  local rm rmin met=no
  rm=$(ratio "$tm" "$om"); rmin=$(ratio "$(kv "$f" f2b_min)" "$(kv "$f" ours_min)")
  if ge "$(awk -v a="$tm" -v b="$om" 'BEGIN { print a / b }')" 50 && [ "$(kv "$f" ours_recall_kind)" = 1.0000 ]; then met=yes; fi
  row 1 "filter throughput, $lines-line FreeSWITCH log, whole process (wall s)" \
    "\`agent regex --json\`: $(printf '%s %s %s' "$(kv "$f" ours_min)" "$om" "$(kv "$f" ours_max)" | mmm %s) s, $(awk -v l="$lines" -v s="$om" 'BEGIN { printf "%.0f", l / s }') lines/s, CPU $(kv "$f" ours_cpu) s; recall $(kv "$f" ours_recall_kind) (CPU-% lines $(kv "$f" ours_cpu_recall)), $(kv "$f" ours_wrong) wrong" \
    "\`fail2ban-regex\` freeswitch.conf: $(printf '%s %s %s' "$(kv "$f" f2b_min)" "$tm" "$(kv "$f" f2b_max)" | mmm %s) s, CPU $(kv "$f" f2b_cpu) s; recall $(kv "$f" f2b_recall) (CPU-% lines $(kv "$f" f2b_cpu_recall)), $(kv "$f" f2b_wrong) wrong" \
    "$rm median, $rmin min/min; CPU $(ratio "$(kv "$f" f2b_cpu)" "$(kv "$f" ours_cpu)")" "≥ 50×, recall 1.0" "$met"
}

# --- 2. filter inner loop (JMH) ---------------------------------------------------------------

m_jmh() {
  local jar="$HERE/bench/jmh/target/filter-benchmarks.jar"
  local args=(-rf json -rff "$DATA/jmh.json")
  if [ "$QUICK" = 1 ]; then
    if [ ! -f "$jar" ]; then
      row 2 "filter inner loop, JMH ns/line" "full run only (\`./mvnw -B -f bench/jmh/pom.xml package\` once)" "–" "–" "–" "–"
      return 0
    fi
    args+=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms -p filter=freeswitch)
  else
    [ -f "$jar" ] && [ -z "$(find "$HERE/src/main/java/io/fleetban/core" "$HERE/bench/jmh/src" -newer "$jar" -name '*.java' -print -quit)" ] \
      || (cd "$HERE" && ./mvnw -B -q -f bench/jmh/pom.xml package)
  fi
  java -jar "$jar" "${args[@]}"
  python3 - "$DATA/jmh.json" >"$DATA/jmh.txt" <<'PY'
import json, sys
r = {}
for b in json.load(open(sys.argv[1])):
    name = b["benchmark"].rsplit(".", 1)[1]
    r[(b["params"]["filter"], name)] = b["primaryMetric"]["score"]
def fmt(f, names):
    return ", ".join(f"{n} {r[(f, n)]:.0f}" if r[(f, n)] >= 10 else f"{n} {r[(f, n)]:.1f}" for n in names if (f, n) in r)
match = ["matchingPlain", "matchingCpuPercent", "matchingUuidIpv6"]
miss = ["nonMatchingDebug", "nonMatchingWarning"]
print("ours=built-in freeswitch, failures: " + fmt("freeswitch", match) + "; other lines: " + fmt("freeswitch", miss))
conf = fmt("f2b-freeswitch.conf", match + miss)
print("conf=" + (("Debian freeswitch.conf through our fail2ban loader: " + conf) if conf else "–"))
PY
  row 2 "filter inner loop, JMH ns/line (average per \`match\`)" "$(kv "$DATA/jmh.txt" ours)" "$(kv "$DATA/jmh.txt" conf)" "–" "–" "–"
}

# --- 6a. the agent's full resync, on its own ----------------------------------------------------

m_resync() {
  BANS="$MAX_BANS" bash "$HERE/bench/resync-100k.sh" "$RESYNC_RUNS" | tee "$DATA/resync.txt"
}

# --- services ---------------------------------------------------------------------------------

start_services() {
  say "services: PostgreSQL, two controllers, namespaces (load $(cut -d' ' -f1 /proc/loadavg))"
  ip netns add "$NODE_NS"
  ip link add "$VETH_HOST" type veth peer name "$VETH_NODE"
  ip link set "$VETH_NODE" netns "$NODE_NS"
  ip addr add "$HOST_IP/30" dev "$VETH_HOST"
  ip link set "$VETH_HOST" up
  ip -n "$NODE_NS" addr add "$NODE_IP/30" dev "$VETH_NODE"
  ip -n "$NODE_NS" link set "$VETH_NODE" up
  ip -n "$NODE_NS" link set lo up
  ip netns add "$F2B_NS"; ip -n "$F2B_NS" link set lo up
  ip netns add "$CS_NS"; ip -n "$CS_NS" link set lo up

  local pg_port jdbc
  pg_port=$(free_port)
  "$HERE/fleetban" db start "$RUN/pg" "$pg_port" >/dev/null
  jdbc=$("$HERE/fleetban" db fresh "$RUN/pg" fleetban_bench)
  PG_PORT="$pg_port"
  ADMIN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  PORT_A=$(free_port); PORT_B=$(free_port)
  while [ "$PORT_B" = "$PORT_A" ]; do PORT_B=$(free_port); done
  URL_A="http://$HOST_IP:$PORT_A"; URL_B="http://$HOST_IP:$PORT_B"
  local name port
  for name in a b; do
    port=$PORT_A; [ "$name" = b ] && port=$PORT_B
    QUARKUS_DATASOURCE_JDBC_URL="$jdbc" QUARKUS_DATASOURCE_USERNAME=fleetban QUARKUS_DATASOURCE_PASSWORD=fleetban \
    QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST="$HOST_IP" FLEETBAN_ADMIN_TOKEN="$ADMIN" \
      spawn "controller-$name" "$LOGS/controller-$name.log" java $CONTROLLER_JVM -jar "$CONTROLLER_JAR"
    # The first applies the Flyway migrations; the second starts once they are in.
    wait_for 180 "controller $name" curl -fsS "http://$HOST_IP:$port/q/health/ready" \
      || { tail -n 30 "$LOGS/controller-$name.log" >&3; die "controller $name did not get ready"; }
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

psql_bench() { PGPASSWORD=fleetban psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U fleetban -d fleetban_bench "$@"; }

# --- 8. time-to-ban on the node that logged ------------------------------------------------------

fail2ban_config() {
  local dir="$1"
  cp -r /etc/fail2ban "$dir/conf"
  rm -rf "$dir/conf/jail.d"/* "$dir/conf/fail2ban.d"/*   # Debian's jail.d enables sshd
  cat >"$dir/conf/fail2ban.local" <<EOF
[DEFAULT]
loglevel = INFO
logtarget = $dir/fail2ban.log
socket = $dir/fail2ban.sock
pidfile = $dir/fail2ban.pid
dbfile = $dir/fail2ban.sqlite3
EOF
  # The jail as Fleetban's default 'freeswitch' jail: 10 failures within 600 s ban for 600 s.
  cat >"$dir/conf/jail.local" <<EOF
[DEFAULT]
backend = pyinotify
[freeswitch]
enabled = true
filter = freeswitch
logpath = $dir/freeswitch.log
maxretry = 10
findtime = 600
bantime = 600
action = nftables-allports[name=freeswitch]
EOF
  : >"$dir/freeswitch.log"
}

m_ttb_local() {
  local f2b="$RUN/fail2ban" node="$RUN/node" token
  mkdir -p "$f2b" "$node"
  fail2ban_config "$f2b"
  spawn fail2ban "$LOGS/fail2ban-server.out" ip netns exec "$F2B_NS" fail2ban-server -f -x -c "$f2b/conf"
  wait_for 60 "fail2ban's jail" grep -q "Jail 'freeswitch' started" "$f2b/fail2ban.log"

  token=$(register_node "$URL_A" bench-ttb)
  (umask 077; printf '%s' "$token" >"$node/token")
  : >"$node/freeswitch.log"
  spawn agent-ttb "$LOGS/agent-ttb.log" ip netns exec "$NODE_NS" java $AGENT_RUN_JVM -jar "$AGENT_JAR" run \
    --controller "$URL_A" --token-file "$node/token" --node bench-ttb --log "$node/freeswitch.log" \
    --state "$node/state" --firewall nft
  wait_for 60 "the agent's first resync" grep -q 'full resync' "$LOGS/agent-ttb.log"

  java "$HERE/bench/LocalTimeToBan.java" --runs "$TTB_RUNS" --warmup 2 --maxretry 10 --first 198.51.100.1 \
    --side "fleetban=$NODE_NS:$node/freeswitch.log" --side "fail2ban=$F2B_NS:$f2b/freeswitch.log" | tee "$DATA/ttb.txt"
  echo "f2b_rss=$(rss_of "$(cat "$DATA/fail2ban.pid")" VmRSS)" >"$DATA/f2b.kv"
  echo "f2b_hwm=$(rss_of "$(cat "$DATA/fail2ban.pid")" VmHWM)" >>"$DATA/f2b.kv"
  stop agent-ttb
  stop fail2ban
  # The snapshot measures compare the same bans on both sides: lift these again.
  local i
  for i in $(seq 1 $((TTB_RUNS + 2))); do admin -X DELETE "$URL_A/api/v1/bans/198.51.100.$i" >/dev/null || true; done

  local ours theirs p50o p95o p50t p95t met=no
  ours=$(sed -n 's/^summary fleetban //p' "$DATA/ttb.txt"); theirs=$(sed -n 's/^summary fail2ban //p' "$DATA/ttb.txt")
  p50o=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<<"$ours"); p95o=$(sed -n 's/.*p95=\([0-9.]*\).*/\1/p' <<<"$ours")
  p50t=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<<"$theirs"); p95t=$(sed -n 's/.*p95=\([0-9.]*\).*/\1/p' <<<"$theirs")
  [ -n "$p50o" ] && [ -n "$p50t" ] && ge "$p50t" "$p50o" && ge "$p95t" "$p95o" && met=yes
  row 8 "time-to-ban on the same node: write() of the 10th line → address in the node's nft set (ms)" \
    "agent \`run\` + controller: p50 $p50o, p95 $p95o ($ours)" \
    "\`fail2ban-server\` pyinotify, nftables-allports: p50 $p50t, p95 $p95t ($theirs)" \
    "$(ratio "$p50t" "$p50o") p50" "≤ fail2ban's" "$met"
}

# --- 3. report ingestion -------------------------------------------------------------------------

m_ingest() {
  java "$HERE/bench/IngestLoad.java" "$ADMIN" "$INGEST_WARMUP" 8 1000 "$URL_A" "$URL_B" | tee "$DATA/ingest-warmup.txt"
  : >"$DATA/ingest.txt"
  local i
  for i in $(seq "$INGEST_RUNS"); do
    java "$HERE/bench/IngestLoad.java" "$ADMIN" "$INGEST_SECONDS" 8 1000 "$URL_A" "$URL_B" | tee -a "$DATA/ingest.txt"
  done
  local eps p50 p99 failed med met=no
  eps=$(sed -n 's/.*events\/s=\([0-9]*\).*/\1/p' "$DATA/ingest.txt" | stats)
  p50=$(sed -n 's/.* p50=\([0-9.]*\).*/\1/p' "$DATA/ingest.txt" | stats | awk '{print $2}')
  p99=$(sed -n 's/.* p99=\([0-9.]*\).*/\1/p' "$DATA/ingest.txt" | stats | awk '{print $2}')
  failed=$(sed -n 's/.* failed=\([0-9]*\).*/\1/p' "$DATA/ingest.txt" | awk '{s += $1} END {print s + 0}')
  med=$(awk '{print $2}' <<<"$eps")
  ge "$med" 100000 && met=yes
  row 3 "report ingestion: events/s persisted, 8 agents, 1 000 aggregates a report, 2 controllers, $INGEST_RUNS × ${INGEST_SECONDS}s" \
    "$(mmm %s <<<"$eps") events/s; report latency p50 $p50 ms, p99 $p99 ms (medians of the runs); $failed reports refused" \
    "–" "–" "≥ 100 000 events/s on 2 cores" "$met"
}

# --- CrowdSec's Local API, offline (see the header) ------------------------------------------------

start_crowdsec() {
  local cs="$RUN/crowdsec"
  mkdir -p "$cs/etc" "$cs/data" "$cs/hub" "$cs/log"
  cp /etc/crowdsec/profiles.yaml /etc/crowdsec/simulation.yaml "$cs/etc/"
  cat >"$cs/etc/config.yaml" <<EOF
common:
  daemonize: false
  log_media: file
  log_level: info
  log_dir: $cs/log/
  working_dir: .
config_paths:
  config_dir: $cs/etc/
  data_dir: $cs/data/
  simulation_path: $cs/etc/simulation.yaml
  hub_dir: $cs/hub/
  index_path: $cs/hub/.index.json
  notification_dir: $cs/etc/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
db_config:
  log_level: info
  type: sqlite
  db_path: $cs/data/crowdsec.db
  use_wal: true
  flush:
    max_items: 5000
    max_age: 7d
api:
  client:
    insecure_skip_verify: false
    credentials_path: $cs/etc/local_api_credentials.yaml
  server:
    log_level: info
    listen_uri: ${CS_URL#http://}
    profiles_path: $cs/etc/profiles.yaml
    trusted_ips:
      - 127.0.0.1
      - ::1
prometheus:
  enabled: false
EOF
  CSCLI=(ip netns exec "$CS_NS" cscli -c "$cs/etc/config.yaml" --error)
  "${CSCLI[@]}" machines add bench --auto -f "$cs/etc/local_api_credentials.yaml" >/dev/null
  (cd "$cs" && spawn crowdsec "$LOGS/crowdsec.out" ip netns exec "$CS_NS" crowdsec -c "$cs/etc/config.yaml" -no-cs)
  wait_for 60 "CrowdSec's LAPI" crowdsec_up
  say "CrowdSec LAPI up in $CS_NS (log $cs/log/crowdsec_api.log)"
}

crowdsec_up() {  # a stream request without a key: 403 once the LAPI listens
  [ "$(ip netns exec "$CS_NS" curl -s -o /dev/null -w '%{http_code}' "$CS_URL/v1/decisions/stream")" = 403 ]
}

# $DATA/ips: MAX_BANS distinct public IPv4 addresses, the same list for both sides.
make_ips() {
  python3 - "$MAX_BANS" >"$DATA/ips" <<'PY'
import random, sys
r = random.Random(20261125)
seen, out = set(), []
while len(out) < int(sys.argv[1]):
    n = r.getrandbits(32)
    a = n >> 24
    if a in (0, 10, 100, 127, 169, 172, 192, 198, 203) or a >= 224 or n in seen:
        continue
    seen.add(n)
    out.append(f"{a}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}")
print("\n".join(out))
PY
}

# register_pollers: POLL_CLIENTS Fleetban nodes and as many CrowdSec bouncers, one key each.
register_pollers() {
  local i
  : >"$DATA/fleetban.keys"; : >"$DATA/crowdsec.keys"
  for i in $(seq "$POLL_CLIENTS"); do
    register_node "$URL_A" "poll-$i" >>"$DATA/fleetban.keys"
    # -o raw prints the key without a newline
    printf '%s\n' "$("${CSCLI[@]}" bouncers add "poll-$i" -o raw)" >>"$DATA/crowdsec.keys"
  done
  FLEETBAN_KEY=$(head -n1 "$DATA/fleetban.keys"); CROWDSEC_KEY=$(head -n1 "$DATA/crowdsec.keys")
}

# load_bans FROM TO: addresses FROM+1..TO of $DATA/ips, banned for 24 h on both sides. Fleetban's
# are written with SQL as BanLedger writes them (dense event ids after ban_event_log.last_id, under
# its row lock, then NOTIFY): the controllers pick them up as they would any ban; CrowdSec's come
# through `cscli decisions import`.
load_bans() {
  local from="$1" to="$2" t0
  say "loading bans $((from + 1))..$to on both sides"
  t0=$(date +%s.%N)
  {
    echo "BEGIN;"
    echo "SELECT last_id FROM ban_event_log FOR UPDATE;"
    echo "CREATE TEMP TABLE bench_ips (n bigserial, ip cidr) ON COMMIT DROP;"
    echo "COPY bench_ips (ip) FROM STDIN;"
    sed -n "$((from + 1)),${to}p" "$DATA/ips"
    echo '\.'
    cat <<'SQL'
INSERT INTO bans (id, ip, jail, origin, reason, created_by, created_at, expires_at)
  SELECT l.last_id + b.n, b.ip, 'freeswitch', 'manual', 'bench', 'bench', now(), now() + interval '24 hours'
    FROM bench_ips b, ban_event_log l;
INSERT INTO ban_events (id, type, ip, jail, ban_id, expires_at, reason)
  SELECT id, 'ban', ip, jail, id, expires_at, reason FROM bans WHERE id > (SELECT last_id FROM ban_event_log);
UPDATE ban_event_log SET last_id = last_id + (SELECT count(*) FROM bench_ips);
SELECT pg_notify('fleetban', 'events');
COMMIT;
SQL
  } | psql_bench >/dev/null
  CURSOR=$(psql_bench -At -c 'SELECT last_id FROM ban_event_log')
  local url
  for url in "$URL_A" "$URL_B"; do
    wait_for 120 "$url to load the bans" feed_at "$url" "$CURSOR"
  done
  echo "fleetban_load_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" >>"$DATA/load-$to.kv"

  t0=$(date +%s.%N)
  { echo "duration,scope,value,reason,type"; sed -n "$((from + 1)),${to}p" "$DATA/ips" | sed 's/^/24h,ip,/; s/$/,bench,ban/'; } \
    >"$RUN/crowdsec/import-$to.csv"
  "${CSCLI[@]}" decisions import -i "$RUN/crowdsec/import-$to.csv" >/dev/null
  echo "crowdsec_import_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" >>"$DATA/load-$to.kv"
}

feed_at() {  # the controller at $1 serves cursor $2 (answers since=$2 with its cursor)
  curl -fsS -D - -o /dev/null -H "Authorization: Bearer $FLEETBAN_KEY" "$1/api/v1/decisions?since=$2" \
    | tr -d '\r' | grep -qi "^x-fleetban-cursor: $2\$"
}

# --- 4. decisions snapshot ------------------------------------------------------------------------

# get NS URL HEADER [gzip]: one GET; prints "http_code seconds bytes"; the body in $DATA/body
get() {
  local ns="$1" url="$2" header="$3" enc=()
  [ "${4:-}" = gzip ] && enc=(-H 'Accept-Encoding: gzip')
  in_ns "$ns" curl -sS -o "$DATA/body" -w '%{http_code} %{time_total} %{size_download}\n' -H "$header" "${enc[@]}" "$url"
}

m_snapshot() {
  local n="$1" name i
  declare -A ns=([api]="" [stream]="" [crowdsec]="$CS_NS")
  declare -A url=([api]="$URL_A/api/v1/decisions" [stream]="$URL_A/v1/decisions/stream?startup=true"
                  [crowdsec]="$CS_URL/v1/decisions/stream?startup=true")
  declare -A hdr=([api]="Authorization: Bearer $FLEETBAN_KEY" [stream]="X-Api-Key: $FLEETBAN_KEY"
                  [crowdsec]="X-Api-Key: $CROWDSEC_KEY")
  declare -A key=([api]=bans [stream]=new [crowdsec]=new)
  for name in api stream crowdsec; do
    # warm-up, and the check that each side serves exactly the n bans
    read -r code _ _ < <(get "${ns[$name]}" "${url[$name]}" "${hdr[$name]}")
    [ "$code" = 200 ] || { echo "$name: HTTP $code"; return 1; }
    [ "$(json_count "$DATA/body" "${key[$name]}")" = "$n" ] || { echo "$name: not $n bans in the snapshot"; return 1; }
    echo "$name gzip6=$(gzip -6 -c "$DATA/body" | wc -c)" >>"$DATA/snap-$n.gz6"
    read -r code _ bytes < <(get "${ns[$name]}" "${url[$name]}" "${hdr[$name]}" gzip)
    echo "$name gzip=$bytes encoding=$(file -b "$DATA/body" | cut -d, -f1)" >>"$DATA/snap-$n.gzip"
  done
  for i in $(seq "$SNAP_RUNS"); do  # the sides take turns, so they share the machine's moods
    for name in api stream crowdsec; do
      read -r code secs bytes < <(get "${ns[$name]}" "${url[$name]}" "${hdr[$name]}")
      [ "$code" = 200 ] || { echo "$name: HTTP $code"; return 1; }
      echo "$name $secs $bytes" >>"$DATA/snap-$n.txt"
    done
  done
  cat "$DATA/snap-$n.txt" "$DATA/snap-$n.gzip" "$DATA/snap-$n.gz6"
  declare -A lat bytes gz gz6
  for name in api stream crowdsec; do
    lat[$name]=$(awk -v s="$name" '$1 == s { print $2 * 1000 }' "$DATA/snap-$n.txt" | stats)
    bytes[$name]=$(awk -v s="$name" '$1 == s { print $3 }' "$DATA/snap-$n.txt" | stats | awk '{print $2}')
    gz[$name]=$(awk -v s="$name" '$1 == s { sub("gzip=", "", $2); print $2 }' "$DATA/snap-$n.gzip")
    gz6[$name]=$(awk -v s="$name" '$1 == s { sub("gzip6=", "", $2); print $2 }' "$DATA/snap-$n.gz6")
  done
  local cmed amed smed met
  cmed=$(awk '{print $2}' <<<"${lat[crowdsec]}"); amed=$(awk '{print $2}' <<<"${lat[api]}"); smed=$(awk '{print $2}' <<<"${lat[stream]}")
  local cwire=$(( gz[crowdsec] < bytes[crowdsec] ? gz[crowdsec] : bytes[crowdsec] ))
  verdict() {  # ≥ 5× faster and ≥ 3× smaller on the wire (each side at its best, gzip when asked) than CrowdSec's stream
    ge "$(awk -v a="$cmed" -v b="$1" 'BEGIN { print a / b }')" 5 && ge "$(awk -v a="$cwire" -v b="$2" 'BEGIN { print a / b }')" 3 \
      && echo yes || echo no
  }
  met="api $(verdict "$amed" "${gz[api]}"), stream $(verdict "$smed" "${gz[stream]}")"
  local label=$((n / 1000))k
  row "4-$label" "decisions snapshot, $n active bans: latency (ms), bytes plain / with Accept-Encoding: gzip" \
    "\`GET /api/v1/decisions\`: $(mmm %.1f <<<"${lat[api]}") ms, ${bytes[api]} B / ${gz[api]} B; \`/v1/decisions/stream?startup=true\`: $(mmm %.1f <<<"${lat[stream]}") ms, ${bytes[stream]} B / ${gz[stream]} B" \
    "CrowdSec LAPI \`/v1/decisions/stream?startup=true\`: $(mmm %.1f <<<"${lat[crowdsec]}") ms, ${bytes[crowdsec]} B / ${gz[crowdsec]} B" \
    "api: $(ratio "$cmed" "$amed") faster, $(ratio "${bytes[crowdsec]}" "${bytes[api]}") smaller plain, $(ratio "$cwire" "${gz[api]}") on the wire with gzip; stream: $(ratio "$cmed" "$smed") faster, $(ratio "${bytes[crowdsec]}" "${bytes[stream]}") smaller plain, $(ratio "$cwire" "${gz[stream]}") with gzip (gzip -6 of each body: api ${gz6[api]} B, stream ${gz6[stream]} B, CrowdSec ${gz6[crowdsec]} B)" \
    "≥ 5× faster, ≥ 3× smaller (on the wire)" "$met"
}

# --- 5. no-change poll ---------------------------------------------------------------------------

# wrk_run NS URL KEYS HEADER PREFIX SECONDS: prints wrk's RESULT line (bench/poll.lua)
wrk_run() {
  in_ns "$1" wrk -t 2 -c "$POLL_CLIENTS" -d "${6}s" -s "$HERE/bench/poll.lua" "$2" -- "$3" "$4" "$5" | grep '^RESULT'
}

m_poll() {
  local n="$1" name i
  declare -A ns=([api]="" [stream]="" [crowdsec]="$CS_NS")
  declare -A url=([api]="$URL_A/api/v1/decisions?since=$CURSOR" [stream]="$URL_A/v1/decisions/stream"
                  [crowdsec]="$CS_URL/v1/decisions/stream")
  declare -A keys=([api]="$DATA/fleetban.keys" [stream]="$DATA/fleetban.keys" [crowdsec]="$DATA/crowdsec.keys")
  declare -A hname=([api]=Authorization [stream]=X-Api-Key [crowdsec]=X-Api-Key)
  declare -A prefix=([api]="Bearer " [stream]="" [crowdsec]="")
  # Each stream key's first poll after the bans arrived carries them all: take it now, then
  # check that a poll brings nothing new.
  local k
  for name in stream crowdsec; do
    while read -r k; do
      in_ns "${ns[$name]}" curl -fsS -o /dev/null -H "X-Api-Key: $k" "${url[$name]}"
    done <"${keys[$name]}"
    in_ns "${ns[$name]}" curl -fsS -H "X-Api-Key: $(head -n1 "${keys[$name]}")" "${url[$name]}" | tee "$DATA/body"; echo
    grep -q '"new":null' "$DATA/body" || { echo "$name: the poll was not empty"; return 1; }
  done
  curl -fsS -H "Authorization: Bearer $FLEETBAN_KEY" "${url[api]}" | tee "$DATA/body"; echo
  grep -q '"bans":\[\]' "$DATA/body" || { echo "api: the poll was not empty"; return 1; }
  for name in api stream crowdsec; do
    wrk_run "${ns[$name]}" "${url[$name]}" "${keys[$name]}" "${hname[$name]}" "${prefix[$name]}" "$POLL_WARMUP" >/dev/null
  done
  for i in $(seq "$POLL_RUNS"); do
    for name in api stream crowdsec; do
      echo "$name $(wrk_run "${ns[$name]}" "${url[$name]}" "${keys[$name]}" "${hname[$name]}" "${prefix[$name]}" "$POLL_SECONDS")" \
        | tee -a "$DATA/poll-$n.txt"
    done
  done
  # Ours must answer every request; the peer's failures (wrk's 2 s timeouts under load) are counted in its row.
  if grep -E '^(api|stream) ' "$DATA/poll-$n.txt" | grep -v ' non2xx=0 errors=0 '; then echo "requests failed (above)"; return 1; fi
  local cfail
  cfail=$(awk '$1 == "crowdsec"' "$DATA/poll-$n.txt" | sed -n 's/.* non2xx=\([0-9]*\) errors=\([0-9]*\).*/\1 \2/p' | awk '{s += $1 + $2} END {print s + 0}')
  declare -A rps p99 size
  for name in api stream crowdsec; do
    rps[$name]=$(awk -v s="$name" '$1 == s' "$DATA/poll-$n.txt" | sed -n 's/.* rps=\([0-9]*\).*/\1/p' | stats)
    p99[$name]=$(awk -v s="$name" '$1 == s' "$DATA/poll-$n.txt" | sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' | stats | awk '{print $2}')
    size[$name]=$(awk -v s="$name" '$1 == s' "$DATA/poll-$n.txt" | sed -n 's/.* bytes_per_request=\([0-9]*\).*/\1/p' | stats | awk '{print $2}')
  done
  local c a s met
  c=$(awk '{print $2}' <<<"${rps[crowdsec]}"); a=$(awk '{print $2}' <<<"${rps[api]}"); s=$(awk '{print $2}' <<<"${rps[stream]}")
  met="api $(ge "$(awk -v a="$a" -v c="$c" 'BEGIN { print a / c }')" 10 && echo yes || echo no), stream $(ge "$(awk -v a="$s" -v c="$c" 'BEGIN { print a / c }')" 10 && echo yes || echo no)"
  local label=$((n / 1000))k
  row "5-$label" "no-change poll, $n active bans: req/s at $POLL_CLIENTS concurrent clients (wrk, one key each), $POLL_RUNS × ${POLL_SECONDS}s" \
    "\`/api/v1/decisions?since=CURSOR\`: $(mmm %s <<<"${rps[api]}") req/s, p99 ${p99[api]} ms; \`/v1/decisions/stream\`: $(mmm %s <<<"${rps[stream]}") req/s, p99 ${p99[stream]} ms" \
    "CrowdSec LAPI \`/v1/decisions/stream\`: $(mmm %s <<<"${rps[crowdsec]}") req/s, p99 ${p99[crowdsec]} ms, $cfail requests failed" \
    "api $(ratio "$a" "$c"), stream $(ratio "$s" "$c")" "≥ 10× CrowdSec" "$met"
}

# --- 6. apply the bans to the kernel --------------------------------------------------------------

bouncer_config() {
  cat >"$RUN/crowdsec/bouncer.yaml" <<EOF
mode: nftables
pid_dir: $RUN/crowdsec/
update_frequency: 10s
daemonize: false
log_mode: file
log_dir: $RUN/crowdsec/log/
log_level: info
api_url: $CS_URL/
api_key: $1
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: fbbench-blacklists
blacklists_ipv6: fbbench6-blacklists
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: fbbench
    chain: fbbench-chain
  ipv6:
    enabled: true
    set-only: false
    table: fbbench6
    chain: fbbench6-chain
prometheus:
  enabled: false
EOF
}

bouncer_count() {
  ip netns exec "$CS_NS" nft list set ip fbbench fbbench-blacklists 2>/dev/null | grep -o ' expires ' | wc -l
}

m_apply() {
  local n="$MAX_BANS" key t0 t1 secs count log="$RUN/crowdsec/log/crowdsec-firewall-bouncer.log"
  key=$("${CSCLI[@]}" bouncers add fbbench-firewall -o raw)
  bouncer_config "$key"
  t0=$(date +%s.%N)
  spawn bouncer "$LOGS/bouncer.out" ip netns exec "$CS_NS" crowdsec-firewall-bouncer -c "$RUN/crowdsec/bouncer.yaml"
  # It logs "N decisions added" once a batch is in the kernel; the clock stops at the first such
  # line (at startup it takes all bans in one batch), or after 10 minutes.
  while ! grep -q 'decisions added' "$log" 2>/dev/null; do
    kill -0 "$(cat "$DATA/bouncer.pid")" 2>/dev/null || { tail -n 20 "$log" "$LOGS/bouncer.out"; return 1; }
    [ "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print (b - a > '"$BOUNCER_LIMIT"') }')" = 0 ] || break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  count=$(bouncer_count)
  grep 'decisions added' "$log" || true
  echo "bouncer_s=$secs bouncer_count=$count" | tee "$DATA/apply.txt"
  local bouncer
  if [ "$count" -ge "$n" ]; then bouncer="all $count in $secs s"; else bouncer="$count of $n after $secs s (stopped at ${BOUNCER_LIMIT}s)"; fi
  local nft_total ipset_total
  nft_total=$(sed -n 's/^nft .*total: *min \([0-9]*\) ms, median \([0-9]*\) ms, max \([0-9]*\) ms.*/\1 \2 \3/p' "$DATA/resync.txt")
  ipset_total=$(sed -n 's/^ipset .*total: *min \([0-9]*\) ms, median \([0-9]*\) ms, max \([0-9]*\) ms.*/\1 \2 \3/p' "$DATA/resync.txt")
  local ours="–" met="–" med
  if [ -n "$nft_total" ]; then
    med=$(awk '{print $2}' <<<"$nft_total")
    ours="full resync, $RESYNC_RUNS runs (bench/resync-100k.sh): nft one transaction $(mmm %s <<<"$nft_total") ms; ipset restore + swap $(mmm %s <<<"$ipset_total") ms"
    met=$([ "$med" -lt 1000 ] && echo yes || echo no)
  fi
  local agent=""
  [ -f "$DATA/agent-mem.kv" ] && agent="; agent \`run\` from JVM start to all bans in nft: $(kv "$DATA/agent-mem.kv" start_s) s ($(kv "$DATA/agent-mem.kv" resync))"
  row 6 "apply $n bans to the kernel, in a network namespace" "$ours$agent" \
    "\`crowdsec-firewall-bouncer\` (nftables, from CrowdSec's LAPI, one run): $bouncer" \
    "$([ -n "$nft_total" ] && ratio "$(awk -v s="$secs" 'BEGIN { print s * 1000 }')" "$med" || echo –) (bouncer / nft median)" "< 1 s" "$met"
}

# --- 9. memory ------------------------------------------------------------------------------------

# The agent's `run` with all bans: the smallest -Xmx (README "collect" flags otherwise) that loads
# them into nft, its RSS once settled, and how long from its start to the bans in the kernel.
m_agent_memory() {
  local node="$RUN/node-mem" token heap t0 pid secs log
  mkdir -p "$node"
  token=$(register_node "$URL_A" bench-mem)
  (umask 077; printf '%s' "$token" >"$node/token")
  : >"$node/freeswitch.log"
  for heap in "${AGENT_HEAPS[@]}"; do
    log="$LOGS/agent-mem-$heap.log"
    ip netns exec "$NODE_NS" nft delete table inet fleetban 2>/dev/null || true
    t0=$(date +%s.%N)
    spawn agent-mem "$log" ip netns exec "$NODE_NS" java "-Xmx$heap" $AGENT_SMALL_JVM -jar "$AGENT_JAR" run \
      --controller "$URL_A" --token-file "$node/token" --node bench-mem --log "$node/freeswitch.log" \
      --state "$node/state" --firewall nft
    pid=$(cat "$DATA/agent-mem.pid")
    while kill -0 "$pid" 2>/dev/null && ! grep -q 'full resync\|OutOfMemoryError' "$log"; do
      [ "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print (b - a > 120) }')" = 0 ] || break
      sleep 0.1
    done
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    sleep 5  # settled: the first long-poll is waiting
    if kill -0 "$pid" 2>/dev/null && tr -d , <"$log" | grep -q "full resync.*: $MAX_BANS bans" && ! grep -q 'OutOfMemoryError' "$log"; then
      {
        echo "heap=$heap"
        echo "start_s=$secs"
        echo "resync=$(tr -d , <"$log" | grep -o 'full resync[^:]*: [0-9]* bans in [0-9]* ms' | head -n1)"
        echo "rss=$(rss_of "$pid" VmRSS)"
        echo "hwm=$(rss_of "$pid" VmHWM)"
      } | tee "$DATA/agent-mem.kv"
      stop agent-mem
      return 0
    fi
    echo "-Xmx$heap ($(grep -m1 -o 'OutOfMemoryError.*' "$log" || grep -m1 -o 'full resync.*' "$log" || echo "no resync within 120 s"))" \
      | tee -a "$DATA/agent-mem-failed.txt"
    stop agent-mem
  done
  echo "no heap up to ${AGENT_HEAPS[-1]} held the $MAX_BANS bans"
  return 1
}

m_memory() {
  local f="$DATA/agent-mem.kv" agent="–" smaller="" met="–" bouncer="–" pid
  if [ -f "$f" ]; then
    agent="\`-Xmx$(kv "$f" heap)\` + README \"collect\" flags (the smallest that holds them): $(kv "$f" rss) (peak $(kv "$f" hwm))"
    [ -f "$DATA/agent-mem-failed.txt" ] && smaller="; too small: $(paste -sd';' "$DATA/agent-mem-failed.txt")"
    met=$(awk -v a="$(kv "$f" rss)" 'BEGIN { print (a < 45.78 ? "yes" : "no") }')
  fi
  pid=$(cat "$DATA/controller-a.pid")
  local controller="controller (\`$CONTROLLER_JVM\`) $(rss_of "$pid" VmRSS) (peak $(rss_of "$pid" VmHWM))"
  pid=$(cat "$DATA/crowdsec.pid")
  local crowdsec="crowdsec LAPI $(rss_of "$pid" VmRSS) (peak $(rss_of "$pid" VmHWM))"
  [ -f "$DATA/bouncer.pid" ] && bouncer="$(rss_of "$(cat "$DATA/bouncer.pid")" VmRSS)"
  row 9 "memory: RSS in MiB, $MAX_BANS bans loaded" "agent \`run\`: $agent$smaller; $controller" \
    "fail2ban-server $(kv "$DATA/f2b.kv" f2b_rss 2>/dev/null || echo –) (with its time-to-ban bans); $crowdsec; crowdsec-firewall-bouncer $bouncer" \
    "–" "agent < 48 MB (45.8 MiB)" "$met"
}

# --- 7. time-to-ban on another node (e2e) ---------------------------------------------------------

m_e2e() {
  local label="time-to-ban on another node: write() of the 10th failure line on fs1 → first dropped probe on fs3 (ms)"
  if [ "$QUICK" = 1 ]; then
    row 7 "$label" "full run only" "–" "–" "p50 < 100 ms, p99 < 300 ms" "–"; return 0
  fi
  E2E_DIR="$RUN/e2e" E2E_TTB_RUNS="${E2E_TTB_RUNS:-50}" E2E_CS_RUNS_10S="${E2E_CS_RUNS_10S:-6}" E2E_CS_RUNS_1S="${E2E_CS_RUNS_1S:-10}" \
    bash "$HERE/e2e/fleet.sh" bench
  local r="$RUN/e2e/results.txt" ours b10 b1 p50 p99 met=no
  # The bouncer's own namespace is cs (its fs3 lines are the agent's, measured in the same runs).
  ours=$(sed -n 's/^fleetban: //p' "$r"); b10=$(sed -n 's/^bouncer-10s: cs //p' "$r"); b1=$(sed -n 's/^bouncer-1s: cs //p' "$r")
  local stages
  stages=$(sed -n 's/^fleetban (medians of [0-9]* runs): //p' "$r")
  p50=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<<"$ours"); p99=$(sed -n 's/.*p99=\([0-9.]*\).*/\1/p' <<<"$ours")
  awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a < 100 && b < 300) }' && met=yes
  row 7 "$label" "Fleetban (agent → controller → agent): $ours; medians by stage: $stages" "crowdsec-firewall-bouncer (its own namespace) at update_frequency 10 s: $b10; at 1 s: $b1" \
    "$(ratio "$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<<"$b1")" "$p50") p50 (bouncer 1 s / ours)" "p50 < 100 ms, p99 < 300 ms" "$met"
}

# --- the table, BENCHMARKS.md -----------------------------------------------------------------------

ORDER=(1 2 3 4-10k 4-100k 5-10k 5-100k 6 7 8 9)

table() {
  echo "| # | measure | Fleetban | peer, same run | ratio | target | met |"
  echo "|---|---|---|---|---|---|---|"
  local key f
  for key in "${ORDER[@]}"; do
    f="$ROWS/$key"
    if [ -f "$f" ]; then
      awk -F'\t' -v k="${key%%-*}" '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", k, $1, $2, $3, $4, $5, $6 }' "$f"
    elif [[ "$key" == *-100k ]] && [ "$QUICK" = 1 ]; then
      echo "| ${key%%-*} | ${key#*-} active bans | full run only | – | – | – | – |"
    else
      echo "| ${key%%-*} | $key | **FAILED**: see $LOGS | – | – | – | – |"
    fi
  done
}

commands() {
  cat <<EOF
\`\`\`sh
./fleetban bench$([ "$QUICK" = 0 ] || echo " --quick")        # all of the below, logs in $BASE/run-*/logs
# 1  LINES=$FILTER_LINES RUNS=$FILTER_RUNS bench/filter-vs-fail2ban.sh   (java -jar target/fleetban-agent.jar regex LOG --json vs fail2ban-regex LOG /etc/fail2ban/filter.d/freeswitch.conf)
# 2  java -jar bench/jmh/target/filter-benchmarks.jar   (./mvnw -B -f bench/jmh/pom.xml package)
# 3  java bench/IngestLoad.java ADMIN_TOKEN $INGEST_SECONDS 8 1000 URL_A URL_B   (after a ${INGEST_WARMUP}s warm-up; ×$INGEST_RUNS)
# 4  curl -H 'Authorization: Bearer T' URL/api/v1/decisions; curl -H 'X-Api-Key: T' 'URL/v1/decisions/stream?startup=true'  (same against CrowdSec; ± -H 'Accept-Encoding: gzip')
# 5  wrk -t 2 -c $POLL_CLIENTS -d ${POLL_SECONDS}s -s bench/poll.lua 'URL/api/v1/decisions?since=CURSOR' -- KEYS Authorization 'Bearer '   (and /v1/decisions/stream, X-Api-Key)
# 6  BANS=$MAX_BANS bench/resync-100k.sh $RESYNC_RUNS; crowdsec-firewall-bouncer -c bouncer.yaml (mode nftables, in a namespace)
# 7  e2e/fleet.sh bench
# 8  java bench/LocalTimeToBan.java --runs $TTB_RUNS --warmup 2 --maxretry 10 --side fleetban=NS:LOG --side fail2ban=NS:LOG
# 9  /proc/PID/status VmRSS of each process, bans loaded
\`\`\`
EOF
}

results_md() {
  cat "$DATA/conditions.md"
  echo "- **Load average** at the end: $(cut -d' ' -f1-3 /proc/loadavg); this machine is shared with other builds, so absolute figures are noisy: compare the ratios, measured in the same run"
  echo
  table
  echo
  echo "Commands (\`./fleetban bench$([ "$QUICK" = 0 ] || echo " --quick")\` runs them all; each side gets a warm-up, then the repetitions, taking turns):"
  echo
  commands
}

write_benchmarks() {
  local md="$HERE/BENCHMARKS.md" tmp
  tmp=$(mktemp)
  {
    echo "<!-- bench:begin: written by ./fleetban bench; the sections after bench:end are by hand -->"
    echo "## Results of \`./fleetban bench\`"
    echo
    results_md
    echo "<!-- bench:end -->"
  } >"$tmp"
  python3 - "$md" "$tmp" <<'PY'
import re, sys
md, new = open(sys.argv[1]).read(), open(sys.argv[2]).read()
if "<!-- bench:begin" in md:
    md = re.sub(r"<!-- bench:begin.*?<!-- bench:end -->\n", lambda m: new, md, flags=re.S)
else:  # first run: right under the title
    head, _, rest = md.partition("\n")
    md = head + "\n\n" + new + rest
open(sys.argv[1], "w").write(md)
PY
  rm -f "$tmp"
}

main() {
  preflight
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  say "$([ "$QUICK" = 1 ] && echo quick || echo full) run; everything in $RUN"
  conditions
  measure filter m_filter
  measure jmh m_jmh
  measure resync m_resync
  start_services
  measure time-to-ban-local m_ttb_local
  measure ingest m_ingest
  start_crowdsec
  register_pollers
  make_ips
  local from=0 n
  for n in "${SIZES[@]}"; do
    load_bans "$from" "$n"
    from=$n
    measure "snapshot-$n" m_snapshot "$n"
    measure "poll-$n" m_poll "$n"
  done
  measure agent-memory m_agent_memory
  measure apply m_apply
  measure memory m_memory
  say "stopping the services"
  for n in bouncer crowdsec controller-a controller-b; do stop "$n"; done
  measure e2e m_e2e
  results_md >"$RUN/results.md"
  echo
  table
  echo
  if [ "$QUICK" = 0 ]; then
    write_benchmarks
    say "BENCHMARKS.md: results section rewritten"
  fi
  say "results: $RUN/results.md; logs: $LOGS"
  [ "${#FAILED[@]}" -eq 0 ] || die "failed: ${FAILED[*]}"
}

main
