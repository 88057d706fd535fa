#!/usr/bin/env bash
# End-to-end tunnel benchmark: two agents and the router on a private broker (scripts/session.sh),
# then flood pings through the tunnel and print the figures. Root needed. Numbers on this shared
# 2-core machine are indicative only; compare runs on the same machine.
#
#   sudo bench/tunnel.sh [COUNT]       (default 5000 echo requests of each size)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/session.sh"
COUNT=${1:-5000}

session_traps
session_start -q

for size in 56 1232; do
    say "ping -6 -f -c $COUNT -s $size bbbb::2 (flood: one request in flight at a time, or every 10 ms)"
    start=$(date +%s.%N)
    result=$(ip netns exec "$NS1" ping -6 -f -c "$COUNT" -s "$size" -W 2 bbbb::2 | tail -n 2)
    end=$(date +%s.%N)
    echo "$result"
    awk -v c="$COUNT" -v s="$start" -v e="$end" 'BEGIN { printf "round trips per second: %.0f (each crossing agent -> broker -> router -> broker -> agent twice)\n", c / (e - s) }'
done
