#!/usr/bin/env bash
# e2e/fleet.sh — the whole fleet on one machine, the way an operator runs it.
#
#   e2e/fleet.sh test    the scenario, every fault once, a short time-to-ban (./fleetban test, through FleetE2eIT)
#   e2e/fleet.sh demo    the same, step by step, with more time-to-ban runs (./fleetban demo)
#   e2e/fleet.sh bench   only the time-to-ban: 50 runs, then the CrowdSec bouncer at 10 s and 1 s (./fleetban demo --bench)
#
# Network namespaces fbe-fs1, fbe-fs2, fbe-fs3 (SIP nodes, each an agent and a UDP/TCP responder on
# 5060), fbe-cs (crowdsec-firewall-bouncer, an unmodified CrowdSec client), fbe-attacker and
# fbe-friend hang off one bridge (10.77.0.0/24, fd77::/64); PostgreSQL and two controller replicas
# run in the root namespace. Needs root, ip netns, nft, iptables, ipset, socat, curl, jq, psql and
# the packaged jars (./mvnw package). Everything it creates is removed on exit, also on Ctrl-C.
# Knobs: E2E_TTB_RUNS, E2E_CS_RUNS_10S, E2E_CS_RUNS_1S, E2E_DIR (work dir, default target/e2e),
# E2E_AGENT_JAVA_OPTS (e.g. -Djava.util.logging.config.file=F for the agents' debug log).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-demo}"
case "$MODE" in
  test) TTB_RUNS=${E2E_TTB_RUNS:-10}; CS_RUNS_10S=${E2E_CS_RUNS_10S:-0}; CS_RUNS_1S=${E2E_CS_RUNS_1S:-3} ;;
  demo) TTB_RUNS=${E2E_TTB_RUNS:-20}; CS_RUNS_10S=${E2E_CS_RUNS_10S:-3}; CS_RUNS_1S=${E2E_CS_RUNS_1S:-5} ;;
  bench) TTB_RUNS=${E2E_TTB_RUNS:-50}; CS_RUNS_10S=${E2E_CS_RUNS_10S:-20}; CS_RUNS_1S=${E2E_CS_RUNS_1S:-30} ;;
  *) echo "usage: e2e/fleet.sh test|demo|bench" >&2; exit 2 ;;
esac

WORK="${E2E_DIR:-$HERE/target/e2e}"
LOGS="$WORK/logs"
JAVA="${JAVA:-java}"
AGENT_JAR="$HERE/target/fleetban-agent.jar"
CONTROLLER_JAR="$HERE/target/quarkus-app/quarkus-run.jar"
TOOLS="$WORK/tools"
DB=fleetban_e2e

BR=fbe-br0
NET4=10.77.0; NET6=fd77:
ROOT4=$NET4.1
declare -A ADDR4=([fs1]=$NET4.11 [fs2]=$NET4.12 [fs3]=$NET4.13 [cs]=$NET4.14 [attacker]=$NET4.66 [friend]=$NET4.77)
declare -A ADDR6=([fs1]=${NET6}:11 [fs2]=${NET6}:12 [fs3]=${NET6}:13 [cs]=${NET6}:14 [attacker]=${NET6}:66 [friend]=${NET6}:77)
HOSTS=(fs1 fs2 fs3 cs attacker friend)
NODES=(fs1 fs2 fs3)
# The attacker's other addresses (10.66.0.0/16, on-link for every victim): a fresh one per time-to-ban run.
ATTACKER_EXTRA=10.66

# What each node reads: fs2 reads mod_fail2ban's log instead of the console log.
declare -A LOG=([fs1]="$WORK/fs1/freeswitch.log" [fs2]="$WORK/fs2/fail2ban.log" [fs3]="$WORK/fs3/freeswitch.log")
declare -A FIREWALL=([fs1]=nft [fs2]=iptables [fs3]=nft)
declare -A EXTRA_OPTS=([fs1]="" [fs2]="" [fs3]="--ports 5060,5061,5080,5081")

declare -A PID=()        # name -> pid of what we started
declare -A EXPECT=()     # node:kind -> failure lines written
FAILED=0
RESULTS="$WORK/results.txt"

if [ -t 1 ]; then B=$'\033[1m' G=$'\033[32m' R=$'\033[31m' N=$'\033[0m'; else B='' G='' R='' N=''; fi
say() { printf '%se2e:%s %s\n' "$B" "$N" "$*"; }
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
ok() { printf '  %sok%s   %s\n' "$G" "$N" "$*"; }
die() {
  printf '  %sFAIL%s %s\n' "$R" "$N" "$*" >&2
  local name gone=""
  for name in "${!PID[@]}"; do kill -0 "${PID[$name]}" 2>/dev/null || gone+=" $name"; done
  [ -z "$gone" ] || printf '  (no longer running, not stopped by this script:%s; see %s)\n' "$gone" "$LOGS" >&2
  FAILED=1
  exit 1
}

# --- processes and cleanup -------------------------------------------------------------------

# start NAME NS|root COMMAND...: runs COMMAND in the background (in namespace NS), output to logs/NAME.log.
start() {
  local name="$1" ns="$2"; shift 2
  if [ "$ns" = root ]; then
    "$@" >>"$LOGS/$name.log" 2>&1 &
  else
    ip netns exec "fbe-$ns" "$@" >>"$LOGS/$name.log" 2>&1 &
  fi
  PID[$name]=$!
}

alive() { [ -n "${PID[$1]:-}" ] && kill -0 "${PID[$1]}" 2>/dev/null; }

# stop NAME [SIGNAL]: signals one process we started and waits for it.
stop() {
  local name="$1" sig="${2:-TERM}" pid="${PID[$1]:-}"
  [ -n "$pid" ] || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  unset "PID[$name]"
}

remove_network() {
  local ns p
  for h in "${HOSTS[@]}"; do
    ns="fbe-$h"
    ip netns list | grep -qx "$ns\( (id: [0-9]*)\)\?" || continue
    # Only what runs inside our own namespaces: everything there was started by this script.
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del "$BR" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  [ $rc -ne 0 ] && FAILED=1
  say "cleaning up (processes, namespaces, bridge, PostgreSQL)"
  for name in "${!PID[@]}"; do kill -TERM "${PID[$name]}" 2>/dev/null; done
  for name in "${!PID[@]}"; do stop "$name" TERM; done
  remove_network
  [ -f "$WORK/pg/data/PG_VERSION" ] && "$HERE/fleetban" db stop "$WORK/pg"
  if [ "$FAILED" -ne 0 ]; then
    say "FAILED; logs are in $LOGS"
    exit 1
  fi
  exit 0
}

# --- helpers ---------------------------------------------------------------------------------

free_port() {
  local p
  for p in $(shuf -i 20000-59999 -n 100); do
    ss -Htln "( sport = :$p )" | grep -q . || { echo "$p"; return; }
  done
  die "no free TCP port"
}

# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds; prints how long it took.
wait_for() {
  local secs="$1" what="$2"; shift 2
  local start=$EPOCHREALTIME
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || die "$what: not after ${secs} s"
    sleep 0.1
  done
  ok "$what ($(elapsed "$start") s)"
}

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

api() {  # api METHOD PATH [JSON] against controller A with the admin token
  local method="$1" path="$2" body="${3:-}"
  curl -sS -m 15 -X "$method" -H @"$WORK/admin.header" -H 'Content-Type: application/json' \
    ${body:+--data "$body"} "http://127.0.0.1:${PORT[a]}$path"
}

ctl() { "$JAVA" -Xmx32m -jar "$AGENT_JAR" ctl --controller "http://127.0.0.1:${PORT[a]}" --token-file "$WORK/admin.token" "$@"; }

sql() { PGPASSWORD=fleetban psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U fleetban -d "$DB" -c "$1"; }

# reaches FROM ADDRESS [SOURCE]: a UDP datagram from namespace FROM to ADDRESS:5060 comes back.
reaches() {
  local from="$1" to="$2" src="${3:-}" target
  if [[ "$to" == *:* ]]; then target="UDP6:[$to]:5060"; else target="UDP4:$to:5060"; fi
  [ -n "$src" ] && target="$target,bind=$src"
  [ "$(ip netns exec "fbe-$from" socat -T0.4 - "$target" <<<"fleetban-probe" 2>/dev/null)" = fleetban-probe ]
}
dropped() { ! reaches "$@"; }

# every CHECK HOSTS...: CHECK (a function taking a host name) holds for each of HOSTS.
every() { local f="$1" h; shift; for h in "$@"; do $f "$h" || return 1; done; }

# --- failure lines in FreeSWITCH's formats ---------------------------------------------------

STYLES=(plain cpu uuid uuid-cpu sofia-short syslog)
LINE=""

# fs_line STYLE KIND IP: sets LINE to one FreeSWITCH log line (no fork: bursts write thousands).
fs_line() {
  local style="$1" kind="$2" ip="$3" ts us msg prefix
  printf -v ts '%(%Y-%m-%d %H:%M:%S)T' -1
  us="${EPOCHREALTIME#*.}"
  ts="$ts.$us"
  if [ "$style" = mod_fail2ban ]; then
    local what="A registration failed"
    [ "$kind" = auth-challenge ] && what="A registration was attempted"
    LINE="$what user[1000] ip[$ip] at[${ts/ /T}+0000]"
    return
  fi
  case "$kind" in
    auth-failure) msg="SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx.example.net] from ip $ip" ;;
    auth-challenge) msg="SIP auth challenge (REGISTER) on sofia profile 'internal' for [1000@pbx.example.net] from ip $ip" ;;
    unknown-user) msg="Can't find user [1000@pbx.example.net] from $ip" ;;
  esac
  case "$style" in
    plain) prefix="$ts [WARNING] sofia_reg.c:1664 " ;;
    cpu) prefix="$ts 97.53% [WARNING] sofia_reg.c:1664 " ;;
    uuid) prefix="d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 $ts [WARNING] sofia_reg.c:1664 " ;;
    uuid-cpu) prefix="d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 $ts 100% [WARNING] sofia_reg.c:1664 " ;;
    sofia-short) prefix="${ts:5} [WARN] [SOFIA] [sofia_reg.c:2248] " ;;
    syslog) prefix="${ts/ /T} pbx1.example.net freeswitch[4242]: $ts [WARNING] sofia_reg.c:2889 " ;;
  esac
  LINE="$prefix$msg"
}

# write_failures NODE KIND IP COUNT: appends COUNT failure lines (rotating styles) in one write.
write_failures() {
  local node="$1" kind="$2" ip="$3" count="$4" i buf="" style
  for ((i = 0; i < count; i++)); do
    if [ "$node" = fs2 ]; then style=mod_fail2ban; else style="${STYLES[$(( (RANDOM + i) % ${#STYLES[@]} ))]}"; fi
    fs_line "$style" "$kind" "$ip"
    buf+="$LINE"$'\n'
  done
  printf '%s' "$buf" >>"${LOG[$node]}"
  EXPECT[$node:$kind]=$(( ${EXPECT[$node:$kind]:-0} + count ))
}

jail_of() { if [ "$1" = auth-challenge ]; then echo freeswitch-dos; else echo freeswitch; fi; }

# --- counting: the controller's totals against the lines written -----------------------------

counted() { sql "SELECT node || ':' || kind || ' ' || total FROM failure_totals ORDER BY 1"; }

# counts_match: every node:kind the controller counted equals what was written (and no more).
counts_match() {
  local got key n
  declare -A have=()
  while read -r key n; do [ -n "$key" ] && have[$key]=$n; done < <(counted 2>/dev/null || true)
  for key in "${!EXPECT[@]}"; do
    [ "${have[$key]:-0}" = "${EXPECT[$key]}" ] || return 1
  done
  for key in "${!have[@]}"; do
    [ -n "${EXPECT[$key]:-}" ] || return 1
  done
}

# counts_over: some node:kind was counted more often than written (a duplicate) — fail at once.
counts_over() {
  local key n
  while read -r key n; do
    [ -n "$key" ] && [ "$n" -gt "${EXPECT[$key]:-0}" ] && { echo "$key counted $n, written ${EXPECT[$key]:-0}"; return 0; }
  done < <(counted 2>/dev/null || true)
  return 1
}

# settle SECONDS WHAT: waits until the counts match, then checks they stay so (no late duplicates).
settle() {
  local secs="$1" what="$2" start=$EPOCHREALTIME deadline=$((SECONDS + $1)) over
  until counts_match; do
    if over=$(counts_over); then die "$what: duplicated: $over"; fi
    if [ $SECONDS -ge $deadline ]; then
      echo "  written: $(for k in "${!EXPECT[@]}"; do printf '%s=%s ' "$k" "${EXPECT[$k]}"; done)" >&2
      echo "  counted: $(counted | tr '\n' ' ')" >&2
      die "$what: the controller's counts do not match the lines written after ${secs} s"
    fi
    sleep 0.2
  done
  CAUGHT_UP=$(elapsed "$start")
  sleep 2
  counts_match || die "$what: counts changed after matching: $(counted | tr '\n' ' ')"
}

# totals_by_node: "fs1 N fs2 N fs3 N" counted so far.
node_total() { sql "SELECT coalesce(sum(total), 0) FROM failure_totals WHERE node = '$1'"; }
node_expected() {
  local node="$1" k sum=0
  for k in "${!EXPECT[@]}"; do [[ "$k" == "$node:"* ]] && sum=$((sum + EXPECT[$k])); done
  echo "$sum"
}

# --- setup -----------------------------------------------------------------------------------

preflight() {
  [ "$(id -u)" -eq 0 ] || { echo "e2e: needs root (network namespaces, nftables)" >&2; exit 2; }
  local c
  for c in ip nft iptables ipset socat curl jq psql javac "$JAVA"; do
    command -v "$c" >/dev/null 2>&1 || { echo "e2e: '$c' is missing (./fleetban test installs it)" >&2; exit 2; }
  done
  [ -f "$AGENT_JAR" ] && [ -f "$CONTROLLER_JAR" ] || { echo "e2e: build first: ./mvnw -B package -DskipTests" >&2; exit 2; }
  if ! ip netns add fbe-probe 2>/dev/null; then echo "e2e: SKIPPED: ip netns add is not permitted here" >&2; exit 3; fi
  if ! ip netns exec fbe-probe nft list ruleset >/dev/null 2>&1; then
    ip netns del fbe-probe; echo "e2e: SKIPPED: nft does not work in a network namespace here" >&2; exit 3
  fi
  ip netns del fbe-probe
  HAVE_BOUNCER=0
  command -v crowdsec-firewall-bouncer >/dev/null 2>&1 && HAVE_BOUNCER=1
}

build_tools() {
  mkdir -p "$TOOLS"
  if [ -z "$(find "$TOOLS" -name TimeToBan.class -newer "$HERE/e2e/tools/TimeToBan.java" 2>/dev/null)" ] \
     || [ -n "$(find "$HERE/e2e/tools" -name '*.java' -newer "$TOOLS/TimeToBan.class" 2>/dev/null)" ]; then
    javac --release 17 -d "$TOOLS" "$HERE"/e2e/tools/*.java
  fi
}

make_network() {
  ip -4 route show "$NET4.0/24" | grep -q . && die "$NET4.0/24 is already routed on this machine"
  ip link add "$BR" type bridge mcast_snooping 0
  ip addr add "$ROOT4/24" dev "$BR"
  ip addr add "${NET6}:1/64" dev "$BR" nodad
  ip link set "$BR" up
  local h ns
  for h in "${HOSTS[@]}"; do
    ns="fbe-$h"
    ip netns add "$ns"
    ip link add "$ns" type veth peer name eth0 netns "$ns"
    ip link set "$ns" master "$BR" up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" addr add "${ADDR4[$h]}/24" dev eth0
    ip -n "$ns" addr add "${ADDR6[$h]}/64" dev eth0 nodad
    [ "$h" = attacker ] || ip -n "$ns" route add "$ATTACKER_EXTRA.0.0/16" dev eth0
  done
  # The attacker: two more LAN addresses and a fresh address for every time-to-ban run.
  {
    echo "addr add $NET4.67/24 dev eth0"
    echo "addr add $NET4.68/24 dev eth0"
    local o i
    for o in 0 1 2; do for i in $(seq 1 250); do echo "addr add $ATTACKER_EXTRA.$o.$i/32 dev eth0"; done; done
    echo "addr add $ATTACKER_EXTRA.8.1/32 dev eth0"
    echo "addr add $ATTACKER_EXTRA.9.9/32 dev eth0"
  } | ip -n fbe-attacker -batch -
}

declare -A PORT=()
start_controller() {
  local r="$1"
  QUARKUS_DATASOURCE_JDBC_URL="$JDBC" QUARKUS_DATASOURCE_USERNAME=fleetban QUARKUS_DATASOURCE_PASSWORD=fleetban \
  QUARKUS_HTTP_PORT="${PORT[$r]}" QUARKUS_HTTP_SSL_PORT="${SSL_PORT[$r]}" FLEETBAN_ADMIN_TOKEN="$(cat "$WORK/admin.token")" \
    start "controller-$r" root "$JAVA" -Xmx256m -XX:+UseSerialGC -jar "$CONTROLLER_JAR"
}
ready() { curl -fsS -m 10 -o /dev/null "http://127.0.0.1:${PORT[$1]}/q/health/ready" 2>/dev/null; }
not_ready() { ! ready "$1"; }

declare -A SSL_PORT=()
start_backend() {
  PG_PORT=$(free_port)
  say "PostgreSQL ($WORK/pg, port $PG_PORT)"
  "$HERE/fleetban" db start "$WORK/pg" "$PG_PORT" >/dev/null
  PG_PORT=$(sed -n 4p "$WORK/pg/data/postmaster.pid")
  JDBC=$("$HERE/fleetban" db fresh "$WORK/pg" "$DB")
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/admin.token")
  (umask 077; printf 'Authorization: Bearer %s\n' "$(cat "$WORK/admin.token")" >"$WORK/admin.header")
  local r
  for r in a b; do PORT[$r]=$(free_port); SSL_PORT[$r]=$(free_port); done
  say "controllers: a on :${PORT[a]}, b on :${PORT[b]} (both $ROOT4 for the namespaces)"
  start_controller a
  start_controller b
  wait_for 180 "controller a ready" ready a
  wait_for 180 "controller b ready" ready b
  declare -gA URL=([a]="http://$ROOT4:${PORT[a]}" [b]="http://$ROOT4:${PORT[b]}")
  # fs1 and fs3 (and the bouncer) follow controller a, fs2 follows b: a ban decided on one
  # replica must reach the agents of the other.
  declare -gA CONTROLLER_OF=([fs1]=a [fs2]=b [fs3]=a [cs]=a)
  local h token
  for h in fs1 fs2 fs3 cs; do
    token=$(api POST /api/v1/nodes "{\"name\":\"$h\"}" | jq -r .token)
    [ -n "$token" ] && [ "$token" != null ] || die "could not register node $h"
    (umask 077; printf '%s' "$token" >"$WORK/$h.token")
  done
  api POST /api/v1/allowlist "{\"value\":\"${ADDR4[friend]}\",\"note\":\"friend\"}" >/dev/null
  api POST /api/v1/allowlist "{\"value\":\"${ADDR6[friend]}\",\"note\":\"friend\"}" >/dev/null
  ok "nodes fs1 fs2 fs3 cs registered; friend ${ADDR4[friend]} and ${ADDR6[friend]} on the allowlist"
}

start_agent() {
  local n="$1"
  # shellcheck disable=SC2086 # EXTRA_OPTS holds separate options
  start "agent-$n" "$n" "$JAVA" -Xmx24m -XX:+UseSerialGC ${E2E_AGENT_JAVA_OPTS:-} -jar "$AGENT_JAR" run \
    --controller "${URL[${CONTROLLER_OF[$n]}]}" --token-file "$WORK/$n.token" --node "$n" \
    --log "${LOG[$n]}" --state "$WORK/$n/state" --firewall "${FIREWALL[$n]}" --from-start ${EXTRA_OPTS[$n]}
}

firewall_up() {
  if [ "${FIREWALL[$1]}" = nft ]; then
    ip netns exec "fbe-$1" nft list table inet fleetban >/dev/null 2>&1
  else
    ip netns exec "fbe-$1" ipset list -t fleetban4 >/dev/null 2>&1
  fi
}
polled() { api GET /api/v1/nodes | jq -e --arg n "$1" '.nodes // . | map(select(.name == $n and .last_poll != null)) | length == 1' >/dev/null; }

# --- the CrowdSec bouncer ----------------------------------------------------------------------

# bouncer_config MODE FREQUENCY: its own config file; its own tables and sets; logs to stdout (ours).
bouncer_config() {
  local mode="$1" freq="$2"
  mkdir -p "$WORK/cs"
  (umask 077; cat >"$WORK/cs/bouncer.yaml" <<EOF
mode: $mode
pid_dir: $WORK/cs/
update_frequency: $freq
daemonize: false
log_mode: stdout
log_level: info
api_url: ${URL[${CONTROLLER_OF[cs]}]}/
api_key: $(cat "$WORK/cs.token")
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: fleetban-cs
blacklists_ipv6: fleetban-cs6
ipset_type: nethash
iptables_chains:
  - INPUT
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: fleetban-cs
    chain: fleetban-cs-input
  ipv6:
    enabled: true
    set-only: false
    table: fleetban-cs6
    chain: fleetban-cs6-input
prometheus:
  enabled: false
EOF
  )
}

start_bouncer() {
  bouncer_config "$1" "$2"
  start bouncer cs crowdsec-firewall-bouncer -v -c "$WORK/cs/bouncer.yaml"
  BOUNCER_MODE="$1"
}
bouncer_up() {
  alive bouncer || die "the bouncer exited: $(tail -n 3 "$LOGS/bouncer.log")"
  if [ "$BOUNCER_MODE" = nftables ]; then
    ip netns exec fbe-cs nft list table ip fleetban-cs >/dev/null 2>&1
  else
    ip netns exec fbe-cs ipset list -t fleetban-cs >/dev/null 2>&1
  fi
}
restart_bouncer() { stop bouncer TERM; start_bouncer "$1" "$2"; wait_for 30 "bouncer up ($1, update_frequency $2)" bouncer_up; }

# --- the scenario ------------------------------------------------------------------------------

setup() {
  step "setup"
  exec 9>/run/fleetban-e2e.lock
  flock -w 900 9 || die "another e2e run holds /run/fleetban-e2e.lock"
  remove_network  # leftovers of a run that was killed
  rm -rf "$WORK/fs1" "$WORK/fs2" "$WORK/fs3" "$WORK/cs" "$LOGS" "$WORK/ttb"
  mkdir -p "$LOGS" "$WORK"/fs{1,2,3}
  : >"$RESULTS"
  build_tools
  make_network
  ok "namespaces ${HOSTS[*]/#/fbe-} on bridge $BR ($NET4.0/24, ${NET6}:/64)"
  start_backend
  local h
  for h in fs1 fs2 fs3 cs; do start "responder-$h" "$h" "$JAVA" -Xmx16m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$TOOLS" Responder 5060; done
  for h in "${NODES[@]}"; do : >"${LOG[$h]}"; start_agent "$h"; done
  wait_for 60 "responders answer the friend on fs1 fs2 fs3 cs" every friend_reaches fs1 fs2 fs3 cs
  wait_for 60 "agents set up their firewalls (fs1 nft, fs2 iptables+ipset, fs3 nft)" every firewall_up "${NODES[@]}"
  wait_for 60 "agents follow the controllers' bans" every polled "${NODES[@]}"
  if [ "$HAVE_BOUNCER" = 1 ]; then
    start_bouncer nftables 1s
    wait_for 30 "crowdsec-firewall-bouncer runs in fbe-cs against controller a (update_frequency 1s)" bouncer_up
  else
    say "crowdsec-firewall-bouncer is not installed: the CrowdSec steps are skipped (apt-get install --no-install-recommends crowdsec-firewall-bouncer)"
  fi
  say "dashboard: http://localhost:${PORT[a]}/  (admin token: $WORK/admin.token)"
}

friend_reaches() { reaches friend "${ADDR4[$1]}" && reaches friend "${ADDR6[$1]}"; }
attacker_reaches() { reaches attacker "${ADDR4[$1]}"; }
attacker_dropped() { dropped attacker "${ADDR4[$1]}"; }
attacker6_dropped() { dropped attacker "${ADDR6[$1]}"; }
victims() { if [ "$HAVE_BOUNCER" = 1 ]; then echo fs1 fs2 fs3 cs; else echo fs1 fs2 fs3; fi; }
banned() { api GET "/api/v1/bans?q=$1" | jq -e --arg ip "$1" '.bans | map(select(.ip == $ip)) | length == 1' >/dev/null; }
not_banned() { ! banned "$1"; }

cross_node() {
  step "1. cross-node: 6 failures on fs1 + 4 on fs2 ban the attacker on every node; the friend stays"
  local a="${ADDR4[attacker]}"
  wait_for 10 "the attacker reaches $(victims)" every attacker_reaches $(victims)
  write_failures fs1 auth-failure "$a" 3
  write_failures fs1 unknown-user "$a" 3
  settle 30 "fs1's 6 failures counted"
  write_failures fs2 auth-failure "$a" 4
  wait_for 30 "attacker $a dropped on $(victims)" every attacker_dropped $(victims)
  local ban; ban=$(api GET "/api/v1/bans?q=$a" | jq -c '.bans[0] | {ip, jail, ttl, failures, evidence: .evidence.nodes}')
  echo "  $ban"
  jq -e '.jail == "freeswitch" and .failures == 10 and (.evidence | has("fs1") and has("fs2"))' <<<"$ban" >/dev/null \
    || die "not a freeswitch ban on the evidence of fs1 and fs2: $ban"
  write_failures fs3 auth-failure "${ADDR4[friend]}" 12
  write_failures fs1 unknown-user "${ADDR6[friend]}" 12
  settle 30 "the friend's 24 failures counted"
  not_banned "${ADDR4[friend]}" && not_banned "${ADDR6[friend]}" || die "the allowlisted friend was banned"
  wait_for 10 "the friend (IPv4 and IPv6) still reaches $(victims)" every friend_reaches $(victims)
}

manual_unban() {
  step "2. ctl unban restores the attacker everywhere"
  ctl unban "${ADDR4[attacker]}"
  wait_for 30 "the attacker reaches $(victims) again" every attacker_reaches $(victims)
}

dos() {
  step "3. DoS: 50 auth challenges in 30 s on fs3 ban for 6000 s (IPv6 attacker)"
  local a="${ADDR6[attacker]}"
  write_failures fs3 auth-challenge "$a" 49
  settle 30 "49 challenges counted"
  not_banned "$a" || die "$a banned after 49 challenges (maxretry is 50)"
  ok "not banned after 49"
  write_failures fs3 auth-challenge "$a" 1
  wait_for 30 "$a dropped on $(victims)" every attacker6_dropped $(victims)
  local ban; ban=$(api GET "/api/v1/bans?q=$a" | jq -c '.bans[0] | {ip, jail, ttl}')
  echo "  $ban"
  [ "$(jq -r .jail <<<"$ban")" = freeswitch-dos ] && [ "$(jq -r .ttl <<<"$ban")" -gt 5900 ] || die "not a 6000 s freeswitch-dos ban: $ban"
  echo "  fs3 kernel: $(ip netns exec fbe-fs3 nft list set inet fleetban banned6 | grep -o "$a[^,}]*" | head -1)"
  echo "  fs2 kernel: $(ip netns exec fbe-fs2 ipset list fleetban6 | grep "^$a" | head -1)"
  ok "freeswitch-dos ban, ttl $(jq -r .ttl <<<"$ban") s, in the kernel on fs3 (nft) and fs2 (ipset)"
}

expiry() {
  step "4. a ban expires in the kernel when its ttl ends, with every agent stopped"
  local a="$NET4.67" start
  ctl ban "$a" --for 20s --reason "e2e expiry"
  start=$EPOCHREALTIME
  wait_for 20 "$a dropped on fs1 fs2 fs3" every "dropped_from $a" fs1 fs2 fs3
  local n stopping=$EPOCHREALTIME
  for n in "${NODES[@]}"; do kill -TERM "${PID[agent-$n]}"; done
  for n in "${NODES[@]}"; do stop "agent-$n" TERM; done
  ok "agents stopped on fs1 fs2 fs3 ($(elapsed "$stopping") s)"
  echo "  fs3 kernel: $(ip netns exec fbe-fs3 nft list set inet fleetban banned4 | grep -o "$a [^,}]*")"
  echo "  fs2 kernel: $(ip netns exec fbe-fs2 ipset list fleetban4 | grep "^$a")"
  wait_for 40 "$a reaches fs1 fs2 fs3 again with no agent running" every "reaches_from $a" fs1 fs2 fs3
  echo "  expired $(elapsed "$start") s after the 20 s ban was made"
  for n in "${NODES[@]}"; do start_agent "$n"; done
  wait_for 60 "agents restarted" every polled_again "${NODES[@]}"
}
dropped_from() { dropped attacker "${ADDR4[$2]}" "$1"; }
reaches_from() { reaches attacker "${ADDR4[$2]}" "$1"; }
polled_again() { grep -q "enforcing" "$LOGS/agent-$1.log" && [ "$(grep -c "enforcing" "$LOGS/agent-$1.log")" -ge 2 ]; }

crowdsec_range() {
  [ "$HAVE_BOUNCER" = 1 ] || return 0
  step "5. CrowdSec bouncer: a /24 ban arrives as a range"
  local range="$ATTACKER_EXTRA.9.0/24" inside="$ATTACKER_EXTRA.9.9"
  ctl ban "$range" --for 10m --reason "e2e range"
  wait_for 15 "the bouncer received $range as one decision" grep -q "Adding '$range'" "$LOGS/bouncer.log"
  wait_for 15 "$inside (inside $range) dropped on fs1 fs2 fs3 by Fleetban's agents" every "dropped_from $inside" fs1 fs2 fs3
  echo "  bouncer's nft set: $(ip netns exec fbe-cs nft list set ip fleetban-cs fleetban-cs | tr -s ' \n\t' ' ' | grep -o 'elements = {[^}]*}' || echo empty)"
  say "crowdsec-firewall-bouncer $(dpkg-query -W -f '${Version}' crowdsec-firewall-bouncer 2>/dev/null) in nftables mode keeps only a range's first address"
  say "(its own normalizedDecisions cuts the '/24'); in iptables mode (ipset hash:net) it enforces the range:"
  restart_bouncer iptables 1s
  wait_for 15 "$inside dropped on cs by the bouncer in iptables+ipset mode" dropped_from "$inside" cs
  ctl unban "$range"
  wait_for 15 "$inside released on cs after the unban" reaches_from "$inside" cs
  wait_for 15 "$inside released on fs1 fs2 fs3" every "reaches_from $inside" fs1 fs2 fs3
  restart_bouncer nftables 1s
}

# --- faults --------------------------------------------------------------------------------------

FAULT_ROWS=()

# burst FAULT CHUNKS HOOK_AT HOOK [HOOK2_AT HOOK2]: CHUNKS chunks of 15 lines on each of fs1 fs2 fs3,
# 50 ms apart, from addresses used by this fault only (4 lines each: below every maxretry);
# calls HOOK before chunk HOOK_AT.
burst() {
  local fault="$1" chunks="$2" at1="$3" hook1="$4" at2="${5:--1}" hook2="${6:-}" c node j ip kind i=0
  local kinds=(auth-failure unknown-user auth-challenge)
  for ((c = 0; c < chunks; c++)); do
    [ "$c" -eq "$at1" ] && $hook1
    [ "$c" -eq "$at2" ] && $hook2
    for node in "${NODES[@]}"; do
      for ((j = 0; j < 15; j++)); do
        i=$((c * 15 + j))
        ip="100.$((64 + fault)).${node#fs}.$((i / 4 % 250 + 1))"
        kind="${kinds[$((i % 3))]}"
        [ "$node" = fs2 ] && [ "$kind" = unknown-user ] && kind=auth-failure
        write_failures "$node" "$kind" "$ip" 1
      done
    done
    sleep 0.05
  done
}

# fault NAME SECONDS FUNCTION: settles, runs FUNCTION (which bursts), waits until everything is
# counted, and records a row per node: written, counted, lost, duplicated.
fault() {
  local name="$1" secs="$2" fn="$3" n
  settle 60 "counts settled before: $name"
  declare -A before_c=() before_w=()
  for n in "${NODES[@]}"; do before_c[$n]=$(node_total "$n"); before_w[$n]=$(node_expected "$n"); done
  $fn
  local start=$EPOCHREALTIME
  settle "$secs" "$name: everything counted once"
  for n in "${NODES[@]}"; do
    local w=$(( $(node_expected "$n") - before_w[$n] )) c=$(( $(node_total "$n") - before_c[$n] ))
    FAULT_ROWS+=("| $name | $n | $w | $c | $(( w > c ? w - c : 0 )) | $(( c > w ? c - w : 0 )) | ${CAUGHT_UP} s |")
  done
}

kill_controller() { say "kill -9 controller a (fs1, fs3 and the bouncer follow it)"; stop controller-a KILL; }
f_controller() {
  burst 1 40 10 kill_controller
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:${PORT[a]}/q/health/live" 2>/dev/null && die "controller a still answers"
  sleep 2
  say "restarting controller a"
  start_controller a
  wait_for 180 "controller a ready again" ready a
  if [ "$HAVE_BOUNCER" = 1 ]; then
    alive bouncer || die "the bouncer exited while its controller was down"
    local b="$NET4.68"
    ctl ban "$b" --for 10m --reason "e2e after restart"
    wait_for 15 "the bouncer (same process) drops $b banned after the restart" dropped_from "$b" cs
    ctl unban "$b"
    wait_for 15 "and releases it on unban" reaches_from "$b" cs
  fi
}

kill_agent() { say "kill -9 the agent on fs2"; stop agent-fs2 KILL; }
restart_agent() { say "restarting the agent on fs2"; start_agent fs2; }
f_agent() { burst 2 40 10 kill_agent 25 restart_agent; }

PG_BAN="$ATTACKER_EXTRA.8.1"
pg_down() {
  say "stopping PostgreSQL for 10 s"
  "$HERE/fleetban" db stop "$WORK/pg"
  PG_DOWN_AT=$SECONDS
  # An attacker crosses maxretry while the database is away: the ban must follow when it is back.
  write_failures fs1 auth-failure "$PG_BAN" 10
}
f_postgres() {
  burst 3 30 5 pg_down
  wait_for 20 "controllers report not ready (/q/health/ready)" every not_ready a b
  local left=$((10 - (SECONDS - PG_DOWN_AT)))
  [ $left -gt 0 ] && sleep "$left"
  say "starting PostgreSQL again"
  "$HERE/fleetban" db start "$WORK/pg" "$PG_PORT" >/dev/null
  wait_for 60 "controllers ready again" every ready a b
  wait_for 60 "$PG_BAN (10 failures while the database was down) dropped on fs1 fs2 fs3" every "dropped_from $PG_BAN" fs1 fs2 fs3
}

rotate() {
  say "rotating: fs1 renamed (logrotate create), fs3 copytruncate, fs2 renamed"
  mv "${LOG[fs1]}" "${LOG[fs1]}.1"; : >"${LOG[fs1]}"
  mv "${LOG[fs2]}" "${LOG[fs2]}.1"; : >"${LOG[fs2]}"
  cp "${LOG[fs3]}" "${LOG[fs3]}.1"; : >"${LOG[fs3]}"
}
f_rotate() { burst 4 40 15 rotate; }

faults() {
  step "6. faults during bursts: nothing lost, nothing counted twice"
  fault "kill -9 controller a" 120 f_controller
  fault "kill -9 agent fs2, restart" 90 f_agent
  fault "PostgreSQL stopped 10 s" 120 f_postgres
  fault "log rotation (rename, copytruncate)" 60 f_rotate
  {
    echo "| fault | node | lines written | counted | lost | duplicated | all counted after |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${FAULT_ROWS[@]}"
  } | tee -a "$RESULTS"
}

# --- time to ban ---------------------------------------------------------------------------------

# ttb NAME RUNS FIRST_SOURCE TIMEOUT_MS JITTER_MS TARGET...: the TimeToBan tool in the attacker's
# namespace. In the background with wait, so a TERM reaches the trap at once.
ttb() {
  local name="$1" runs="$2" first="$3" timeout="$4" jitter="$5"; shift 5
  local targets=() t
  for t in "$@"; do targets+=(--target "$t=${ADDR4[$t]}:5060"); done
  local pre1 pre2 last
  pre1="{ts} 97.53% [WARNING] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'internal' for [1000@pbx.example.net] from ip {ip}"
  pre2="A registration failed user[1000] ip[{ip}] at[{ts}]"
  last="d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 {ts} [WARNING] sofia_reg.c:3211 Can't find user [1000@pbx.example.net] from {ip}"
  : >"$LOGS/ttb-$name.log"
  start "ttb-$name" attacker "$JAVA" -Xmx32m -XX:+UseSerialGC -cp "$TOOLS" TimeToBan --sources "$first" --runs "$runs" \
    "${targets[@]}" --pre "${LOG[fs1]}=5=$pre1" --pre "${LOG[fs2]}=4=$pre2" --final "${LOG[fs1]}=$last" \
    --interval-ms 2 --settle-ms 1000 --jitter-ms "$jitter" --timeout-ms "$timeout" --values "$WORK/ttb/$name"
  local pid="${PID[ttb-$name]}" rc=0
  tail -n +1 -f --pid="$pid" "$LOGS/ttb-$name.log" &
  local tailer=$!
  wait "$pid" || rc=$?
  wait "$tailer" || true
  unset "PID[ttb-$name]"
  EXPECT[fs1:auth-failure]=$(( ${EXPECT[fs1:auth-failure]:-0} + 5 * runs ))
  EXPECT[fs1:unknown-user]=$(( ${EXPECT[fs1:unknown-user]:-0} + runs ))
  EXPECT[fs2:auth-failure]=$(( ${EXPECT[fs2:auth-failure]:-0} + 4 * runs ))
  [ "$rc" -eq 0 ] || die "time to ban ($name): a run did not see the drop (exit $rc)"
  sed -n "s/^summary /$name: /p" "$LOGS/ttb-$name.log" >>"$RESULTS"
}

# breakdown NAME: where the time went, from the controller's own timestamps (same clock): the
# offense of the 10th line stored (report transaction began), the ban's transaction began, and
# the drop on fs3. Medians over the runs of NAME.
breakdown() {
  local rows
  rows=$(awk -F'\t' '$3 != "" { printf "%s(\x27%s\x27::inet, to_timestamp(%s / 1e6), %s)", (n++ ? "," : ""), $1, $2, $3 }' \
    "$WORK/ttb/$1/runs.tsv")
  [ -n "$rows" ] || return 0
  sql "WITH t(ip, t0, ms) AS (VALUES $rows),
            r AS (SELECT t.ms, 1000 * extract(epoch FROM min(o.received_at) - t.t0) AS stored,
                         1000 * extract(epoch FROM min(b.created_at) - t.t0) AS banned
                    FROM t JOIN offenses o ON o.ip = t.ip AND o.node = 'fs1' AND o.kind = 'unknown-user'
                           JOIN bans b ON b.ip = t.ip::cidr
                   GROUP BY t.ip, t.t0, t.ms)
       SELECT format('$1 (medians of %s runs): line written -> report stored %s ms -> ban decided %s ms -> dropped on fs3 %s ms',
                     count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY stored)::numeric, 1),
                     round(percentile_cont(0.5) WITHIN GROUP (ORDER BY banned)::numeric, 1),
                     round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1)) FROM r" | tee -a "$RESULTS"
}

time_to_ban() {
  step "7. time to ban: write() of the 10th failure line on fs1 -> first dropped probe on fs3 ($TTB_RUNS runs)"
  ttb fleetban "$TTB_RUNS" "$ATTACKER_EXTRA.0.1" 5000 0 fs3
  breakdown fleetban
  if [ "$HAVE_BOUNCER" = 1 ] && [ $((CS_RUNS_10S + CS_RUNS_1S)) -gt 0 ]; then
    if [ "$CS_RUNS_10S" -gt 0 ]; then
      step "7b. the same path to the CrowdSec bouncer, update_frequency 10s ($CS_RUNS_10S runs)"
      restart_bouncer nftables 10s
      ttb bouncer-10s "$CS_RUNS_10S" "$ATTACKER_EXTRA.1.1" 15000 10000 fs3 cs
    fi
    if [ "$CS_RUNS_1S" -gt 0 ]; then
      step "7c. the same path to the CrowdSec bouncer, update_frequency 1s ($CS_RUNS_1S runs)"
      restart_bouncer nftables 1s
      ttb bouncer-1s "$CS_RUNS_1S" "$ATTACKER_EXTRA.2.1" 6000 1000 fs3 cs
    fi
  fi
  settle 60 "every time-to-ban line counted once"
}

summary() {
  step "results ($MODE, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  cat "$RESULTS"
  echo
  local k total=0
  for k in "${!EXPECT[@]}"; do total=$((total + EXPECT[$k])); done
  say "all checks passed; each of the $total failure lines written was counted exactly once"
}

main() {
  preflight
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  setup
  if [ "$MODE" != bench ]; then
    cross_node
    manual_unban
    dos
    expiry
    crowdsec_range
    faults
  fi
  time_to_ban
  summary
  if [ "$MODE" = demo ] && [ -t 0 ]; then
    say "the fleet is still up: dashboard http://localhost:${PORT[a]}/ (token in $WORK/admin.token)"
    read -r -p "press Enter to stop and clean up " _ || true
  fi
}

main
