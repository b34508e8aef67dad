#!/usr/bin/env bash
# Times a 100 000-ban full resync of the agent's firewall inside a throwaway network namespace:
# nftables (one `nft -f` transaction) and iptables+ipset (`ipset restore` into a temporary set,
# `swap`, plus the iptables -C checks). Needs root (ip netns).
# Usage: bench/resync-100k.sh [REPS]   (BANS=10000 bench/resync-100k.sh: fewer bans, for a smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-5}"
[ "$(id -u)" -eq 0 ] || { echo "resync-100k: needs root for ip netns" >&2; exit 1; }
[ -d target/classes/io/fleetban/agent/enforce ] || ./mvnw -B -q -o compile
JACKSON="$(find ~/.m2/repository/com/fasterxml/jackson/core/jackson-core -name 'jackson-core-*.jar' | sort -V | tail -n1)"
NS="fbt-bench-$$"
ip netns add "$NS"
trap 'ip netns del "$NS"' EXIT
ip -n "$NS" link set lo up
echo "# $(date -u +%FT%TZ) $(uname -r), $(nft --version), $(ipset --version | head -n1 | cut -d, -f1), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
# The agent's kind of JVM: small heap, serial GC.
java -XX:+UseSerialGC -Xmx256m -cp "target/classes:$JACKSON" bench/ResyncBench.java "$NS" "$REPS" "${BANS:-100000}"
