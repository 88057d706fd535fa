#!/usr/bin/env bash
# Soak: a router, two TUN agents and a serial agent with a simulated mote (scripts/session.sh) under mixed traffic
# (pings both ways over IPv6 and IPv4, large pings, pings to the mote) for DURATION seconds, with a broker restart in
# the middle. Every 30 s (or a quarter of a short run) it prints each process's RSS and how many warnings and errors
# it logged. It ends with a verdict and exits non-zero when a process died, or a process's memory grew by more than a
# fifth (plus 8 MB) between the first sample after the warm-up and the last. Root needed.
#
#   sudo bench/soak.sh [DURATION]            (default 300; CI runs 60)
set -euo pipefail
DURATION=${1:-300}
export SESSION_MOTE=1
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/session.sh"

session_traps
session_start -q --stats-interval 5
names=(router agent_1 agent_2 mote agent_3)

traffic_pids=()
traffic() {
    local end=$(( SECONDS + DURATION ))
    while (( SECONDS < end )); do "$@" >/dev/null 2>&1 || true; done
}
traffic ip netns exec "$NS1" ping -6 -c 50 -i 0.1 -W 2 bbbb::2 & traffic_pids+=($!)
traffic ip netns exec "$NS2" ping -c 50 -i 0.1 -W 2 10.2.0.1 & traffic_pids+=($!)
traffic ip netns exec "$NS1" ping -6 -c 20 -i 0.3 -s 1200 -W 2 bbbb::2 & traffic_pids+=($!)
traffic ip netns exec "$NS2" ping -6 -c 10 -i 0.5 -W 3 "$MOTE_ADDRESS" & traffic_pids+=($!)

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "gone"; }
count() { grep -c -E " $2 " "$OUT/$1.log" 2>/dev/null || true; }

interval=$(( DURATION / 4 < 30 ? (DURATION / 4 > 5 ? DURATION / 4 : 5) : 30 ))
declare -A first_rss last_rss
started=$SECONDS
restarted=0
sample=0
printf '\n%8s  %-8s %9s %9s %7s\n' "time" "process" "RSS MB" "warnings" "errors"
while (( SECONDS - started < DURATION )); do
    sleep "$interval"
    sample=$(( sample + 1 ))
    if (( ! restarted && SECONDS - started >= DURATION / 2 )); then
        restarted=1
        printf '%8s  broker restart (stop_app, 2 s, start_app)\n' "$(( SECONDS - started ))s"
        bash "$ROOT/scripts/broker.sh" ctl "$NODE" stop_app >/dev/null
        sleep 2
        bash "$ROOT/scripts/broker.sh" ctl "$NODE" start_app >/dev/null
    fi
    for i in "${!names[@]}"; do
        name=${names[$i]} pid=${session_pids[$i]}
        rss=$(rss_mb "$pid")
        printf '%8s  %-8s %9s %9s %7s\n' "$(( SECONDS - started ))s" "$name" "$rss" "$(count "$name" WRN)" "$(count "$name" ERR)"
        # The first sample is the warm-up (JIT, pools); memory is judged from the second one on.
        (( sample == 2 )) && first_rss[$name]=$rss
        last_rss[$name]=$rss
    done
done
for pid in "${traffic_pids[@]}"; do kill "$pid" 2>/dev/null || true; done

verdict=0
for name in "${names[@]}"; do
    last=${last_rss[$name]:-gone} first=${first_rss[$name]:-${last_rss[$name]:-gone}}
    if [[ $last == gone ]]; then
        echo "FAIL $name is not running any more (log: $OUT/$name.log)"
        verdict=1
    elif awk -v f="$first" -v l="$last" 'BEGIN { exit !(l > f * 1.2 + 8) }'; then
        echo "FAIL $name grew from $first MB to $last MB"
        verdict=1
    fi
done
(( verdict == 0 )) && echo "soak: every process ran ${DURATION} s with flat memory"
exit "$verdict"
