#!/usr/bin/env bash
# Filter throughput, whole process, same log, same machine, same run:
#   java -jar target/fleetban-agent.jar regex LOG --json
#   fail2ban-regex LOG /etc/fail2ban/filter.d/freeswitch.conf          (Debian's fail2ban)
# A warm-up run of each, then RUNS timed runs (min / median / max), the ratio of the medians, and
# each side's recall against the generator's ground truth, overall and on the CPU-percent lines
# of FreeSWITCH >= 1.10.7.
#
#   bench/filter-vs-fail2ban.sh            # LINES=1000000 RUNS=5
#   LINES=100000 RUNS=3 bench/filter-vs-fail2ban.sh
#   RESULT_FILE=F ...: also writes the figures to F as key=value lines (./fleetban bench reads them)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINES="${LINES:-1000000}"
RUNS="${RUNS:-5}"
WORK="${WORK:-/tmp/fleetban-bench}"
CONF="${CONF:-/etc/fail2ban/filter.d/freeswitch.conf}"
JAR="$HERE/target/fleetban-agent.jar"
LOG="$WORK/freeswitch-$LINES.log"

command -v fail2ban-regex >/dev/null || { echo "fail2ban-regex not found (apt-get install fail2ban)" >&2; exit 1; }
mkdir -p "$WORK"
if [ ! -f "$JAR" ]; then
  echo "building $JAR" >&2
  (cd "$HERE" && ./mvnw -B -q package -DskipTests)
fi
if [ ! -f "$LOG.truth" ]; then
  java "$HERE/bench/GenFreeswitchLog.java" "$LOG" "$LINES"
fi

# "wall cpu" seconds of "$@" (cpu = user + sys, which the machine's other load disturbs less);
# output in $WORK/last.out
timed() {
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" >"$WORK/last.out" 2>"$WORK/last.err"; } 2>&1 )
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$t"
}

# min median max of the numbers in column $1 of stdin
stats() { awk -v c="$1" '{print $c}' | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f %.3f\n", a[1], (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR]}'; }

ours=(java -jar "$JAR" regex "$LOG" --json)
# the same with C1 only: for a one-shot run most of our CPU beyond the scan is C2 compiling
ours_c1=(java -XX:TieredStopAtLevel=1 -jar "$JAR" regex "$LOG" --json)
theirs=(fail2ban-regex "$LOG" "$CONF")

echo "warm-up" >&2
timed "${ours[@]}" >/dev/null
timed "${ours_c1[@]}" >/dev/null
timed "${theirs[@]}" >/dev/null
: >"$WORK/ours.times"
: >"$WORK/ours_c1.times"
: >"$WORK/theirs.times"
for i in $(seq "$RUNS"); do
  echo "run $i/$RUNS" >&2
  timed "${ours[@]}" >>"$WORK/ours.times"
  cp "$WORK/last.out" "$WORK/ours.json"
  timed "${ours_c1[@]}" >>"$WORK/ours_c1.times"
  cmp -s "$WORK/last.out" "$WORK/ours.json" || { echo "C1 run printed something else" >&2; exit 1; }
  timed "${theirs[@]}" >>"$WORK/theirs.times"
  cp "$WORK/last.out" "$WORK/theirs.out"
done
read -r omin omed omax < <(stats 1 <"$WORK/ours.times")
read -r cmin cmed cmax < <(stats 1 <"$WORK/ours_c1.times")
read -r tmin tmed tmax < <(stats 1 <"$WORK/theirs.times")
read -r _ ocpu _ < <(stats 2 <"$WORK/ours.times")
read -r _ ccpu _ < <(stats 2 <"$WORK/ours_c1.times")
read -r _ tcpu _ < <(stats 2 <"$WORK/theirs.times")

# recall: fail2ban's per-address matches (-o ip), ours from --json, against the ground truth
fail2ban-regex -o ip "$LOG" "$CONF" 2>/dev/null >"$WORK/theirs.ips"
ours_cpu=$(java -jar "$JAR" regex "$LOG.cpu" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["matched"])')
theirs_cpu=$(fail2ban-regex -o ip "$LOG.cpu" "$CONF" 2>/dev/null | wc -l)
cpu_lines=$(wc -l <"$LOG.cpu")

python3 - "$LOG.truth" "$WORK/ours.json" "$WORK/theirs.ips" "$LINES" "$omin" "$omed" "$omax" "$tmin" "$tmed" "$tmax" \
  "$ours_cpu" "$theirs_cpu" "$cpu_lines" "$cmin" "$cmed" "$cmax" "$ocpu" "$ccpu" "$tcpu" <<'PY'
import json, os, sys, collections
truth_f, ours_f, theirs_f, lines = sys.argv[1:5]
omin, omed, omax, tmin, tmed, tmax = map(float, sys.argv[5:11])
ours_cpu, theirs_cpu, cpu_lines = map(int, sys.argv[11:14])
cmin, cmed, cmax = map(float, sys.argv[14:17])
ocpu, ccpu, tcpu = map(float, sys.argv[17:20])
lines = int(lines)
truth = json.load(open(truth_f))
ours = json.load(open(ours_f))
per_ip_truth = {ip: sum(k.values()) for ip, k in truth["ips"].items()}
theirs = collections.Counter(l.strip() for l in open(theirs_f) if l.strip())
def score(found):  # found: ip -> count
    hit = sum(min(c, per_ip_truth.get(ip, 0)) for ip, c in found.items())
    wrong = sum(max(0, c - per_ip_truth.get(ip, 0)) for ip, c in found.items())
    return hit / truth["failures"], wrong
o_exact = sum(min(c, truth["ips"].get(ip, {}).get(k, 0)) for ip, ks in ours["ips"].items() for k, c in ks.items())
o_recall, o_wrong = score({ip: sum(k.values()) for ip, k in ours["ips"].items()})
t_recall, t_wrong = score(theirs)
print(f"lines: {lines}, failures in the log: {truth['failures']} {truth['styles']}")
print()
print("| whole process | wall min s | wall median s | wall max s | lines/s (median) | CPU s (median) | recall | wrong blames | recall on CPU-% lines |")
print("|---|---|---|---|---|---|---|---|---|")
print(f"| fleetban `regex --json` | {omin:.2f} | {omed:.2f} | {omax:.2f} | {lines/omed:,.0f} | {ocpu:.2f} | {o_recall:.4f} "
      f"(per kind: {o_exact/truth['failures']:.4f}) | {o_wrong} | {ours_cpu/cpu_lines:.4f} ({ours_cpu}/{cpu_lines}) |")
print(f"| fleetban, C1 only (`-XX:TieredStopAtLevel=1`) | {cmin:.2f} | {cmed:.2f} | {cmax:.2f} | {lines/cmed:,.0f} | {ccpu:.2f} | same | same | same |")
print(f"| fail2ban-regex freeswitch.conf | {tmin:.2f} | {tmed:.2f} | {tmax:.2f} | {lines/tmed:,.0f} | {tcpu:.2f} | {t_recall:.4f} | "
      f"{t_wrong} | {theirs_cpu/cpu_lines:.4f} ({theirs_cpu}/{cpu_lines}) |")
print()
print(f"fail2ban / fleetban, wall: median {tmed/omed:.1f}x, min {tmin/omin:.1f}x; CPU: median {tcpu/ocpu:.1f}x; "
      f"C1 only: wall median {tmed/cmed:.1f}x, CPU median {tcpu/ccpu:.1f}x")
if os.environ.get("RESULT_FILE"):
    with open(os.environ["RESULT_FILE"], "w") as f:
        for k, v in dict(lines=lines, ours_min=omin, ours_med=omed, ours_max=omax, ours_cpu=ocpu, c1_med=cmed, c1_cpu=ccpu,
                         f2b_min=tmin, f2b_med=tmed, f2b_max=tmax, f2b_cpu=tcpu,
                         ours_recall=f"{o_recall:.4f}", ours_recall_kind=f"{o_exact/truth['failures']:.4f}", ours_wrong=o_wrong,
                         f2b_recall=f"{t_recall:.4f}", f2b_wrong=t_wrong,
                         ours_cpu_recall=f"{ours_cpu/cpu_lines:.4f}", f2b_cpu_recall=f"{theirs_cpu/cpu_lines:.4f}").items():
            print(f"{k}={v}", file=f)
PY
echo
echo "conditions: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(java -version 2>&1 | head -1), fail2ban $(fail2ban-regex --version 2>&1 | head -1 | awk '{print $2}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
