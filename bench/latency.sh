#!/usr/bin/env bash
# Paired round-trip benchmark (issue 11): the ceiling chain and one of ours run AT THE SAME TIME on ONE private broker
# (the ceiling in a vhost of its own), and two pingers take turns: each sends every INTERVAL, the second half an
# interval after the first, so that no two echoes are in flight together and both chains see the same machine at the
# same moment. Run one after the other (as bench/compare.sh does), two chains' p50 differ by as much from one run to
# the next as they differ from each other; paired, the difference holds. For each configuration and repetition it
# prints both p50 and p99 and ours minus the ceiling's, then the median difference over the repetitions. Root needed.
#
#   sudo bench/latency.sh [--reps N] [--configs address,address-nc,hub,direct,direct-nc] [--pings N] [--interval S]
#                         [--size B] [--router-args "--no-tt"] [--no-build] [--aot]
#   address-nc is address mode with the agents' publishes not confirmed by the broker (--no-confirm).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/compare-lib.sh"

die() { printf 'latency.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*" >&2; }

REPS=3 CONFIGS=address,address-nc PINGS=1000 INTERVAL=0.02 SIZE=56 ROUTER_ARGS="" BUILD=1 AOT=0
need() { (( $1 >= 2 )) || die "$2 needs a value"; }
while (( $# > 0 )); do
    case $1 in
        --reps) need $# "$1"; REPS=$2; shift 2 ;;
        --configs) need $# "$1"; CONFIGS=$2; shift 2 ;;
        --pings) need $# "$1"; PINGS=$2; shift 2 ;;
        --interval) need $# "$1"; INTERVAL=$2; shift 2 ;;
        --size) need $# "$1"; SIZE=$2; shift 2 ;;
        --router-args) need $# "$1"; ROUTER_ARGS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --aot) AOT=1; shift ;;
        -h|--help) sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
for n in "$REPS" "$PINGS" "$SIZE"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"; done
[[ $INTERVAL =~ ^0\.0[1-9][0-9]*$|^0\.[1-9][0-9]*$ ]] || die "--interval '$INTERVAL': give seconds, at least 0.01"
IFS=, read -r -a configs <<<"$CONFIGS"
for c in "${configs[@]}"; do
    [[ $c =~ ^(address|address-nc|hub|direct|direct-nc)$ ]] || die "unknown configuration '$c' (address, address-nc, hub, direct, direct-nc)"
done
[[ $(id -u) == 0 ]] || die "run as root (network namespaces and TUN interfaces need it): sudo bench/latency.sh"
command -v ping >/dev/null 2>&1 || die "ping is missing; install it: apt-get install -y iputils-ping"
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || die "rabbitmq-server is missing; install it: apt-get install -y rabbitmq-server"
binaries "$AOT" "$BUILD"

OUT=$(mktemp -d /tmp/agent-latency.XXXXXX)
NS=(lat$$-1 lat$$-2 lat$$-3 lat$$-4) # the ceiling's two ends, ours
broker_port latency
URL="amqp://guest:guest@localhost:$PORT"
ceiling_pids=() ours_pids=()
stop() { # stop PID...: TERM, then KILL what is left after 5 s
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    done
}
cleanup() {
    local rc=$? ns
    trap - EXIT INT TERM
    stop "${ours_pids[@]}" "${ceiling_pids[@]}"
    for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    bash "$ROOT/scripts/broker.sh" stop "$NODE" 2>/dev/null || true
    (( rc == 0 )) || say "latency.sh: stopped (exit $rc); logs in $OUT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BROKER_ERL_ARGS=$QUIET_BROKER_ARGS bash "$ROOT/scripts/broker.sh" start "$NODE" "$PORT" || die "the private broker did not start"
bash "$ROOT/scripts/broker.sh" ctl "$NODE" add_vhost ceiling >/dev/null
bash "$ROOT/scripts/broker.sh" ctl "$NODE" set_permissions -p ceiling guest ".*" ".*" ".*" >/dev/null
for ns in "${NS[@]}"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done

# through NS: waits (up to 30 s) until an echo from NS gets through to bbbb::2, then warms the chain up.
through() {
    for _ in $(seq 300); do
        if ip netns exec "$1" ping -6 -n -c 1 -W 0.3 bbbb::2 >/dev/null 2>&1; then
            ip netns exec "$1" ping -6 -n -q -c 200 -i 0.01 -s "$SIZE" bbbb::2 >/dev/null 2>&1 || true
            return 0
        fi
        sleep 0.1
    done
    return 1
}

"$CEILING" forward --url "$URL/ceiling" >"$OUT/ceiling.router" 2>&1 & ceiling_pids+=($!)
"$CEILING" end --url "$URL/ceiling" --name agent_1 --netns "${NS[0]}" >"$OUT/ceiling.agent_1" 2>&1 & ceiling_pids+=($!)
"$CEILING" end --url "$URL/ceiling" --name agent_2 --netns "${NS[1]}" >"$OUT/ceiling.agent_2" 2>&1 & ceiling_pids+=($!)
through "${NS[0]}" || die "the ceiling chain: no ping through after 30 s; logs in $OUT"

# p50_p99 FILE: "p50 p99" of the round trips ping wrote to FILE ("nan nan" if none).
p50_p99() {
    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$1" | sort -g | awk '{ v[NR] = $1 }
        function at(q,  i) { i = int(q * NR + 0.999999); if (i < 1) i = 1; return v[i] }
        END { if (NR == 0) print "nan nan"; else printf "%.3f %.3f\n", at(0.5), at(0.99) }'
}

declare -A deltas=()
printf '%-11s %3s  %-16s %-16s %s\n' config rep "ceiling p50/p99" "ours p50/p99" "ours - ceiling (ms)"
for (( rep = 1; rep <= REPS; rep++ )); do
    for config in "${configs[@]}"; do
        log=$OUT/$config-$rep
        extra=() router=1
        case $config in
            address-nc) extra=(--no-confirm) ;;
            direct) extra=(--direct) router=0 ;;
            direct-nc) extra=(--direct --no-confirm) router=0 ;;
        esac
        if (( router )); then
            mode=(); [[ $config == hub ]] && mode=(--mode hub)
            read -r -a router_args <<<"$ROUTER_ARGS"
            "$AGENT" router --url "$URL/" -q --no-banner "${mode[@]}" "${router_args[@]}" >"$log.router" 2>&1 & ours_pids+=($!)
        fi
        "$AGENT" tun --url "$URL/" -q --no-banner --name agent_1 --netns "${NS[2]}" "${extra[@]}" >"$log.agent_1" 2>&1 & ours_pids+=($!)
        "$AGENT" tun --url "$URL/" -q --no-banner --name agent_2 --netns "${NS[3]}" "${extra[@]}" >"$log.agent_2" 2>&1 & ours_pids+=($!)
        through "${NS[2]}" || die "$config: no ping through after 30 s; logs in $OUT"
        ip netns exec "${NS[0]}" ping -6 -n -c "$PINGS" -i "$INTERVAL" -s "$SIZE" -W 2 bbbb::2 >"$log.ping-ceiling" 2>&1 & first=$!
        sleep "$(awk -v i="$INTERVAL" 'BEGIN { print i / 2 }')"
        ip netns exec "${NS[2]}" ping -6 -n -c "$PINGS" -i "$INTERVAL" -s "$SIZE" -W 2 bbbb::2 >"$log.ping-ours" 2>&1 || true
        wait "$first" || true
        stop "${ours_pids[@]}"; ours_pids=()
        read -r c50 c99 < <(p50_p99 "$log.ping-ceiling")
        read -r o50 o99 < <(p50_p99 "$log.ping-ours")
        d50=$(awk -v a="$o50" -v b="$c50" 'BEGIN { printf "%+.3f", a - b }')
        d99=$(awk -v a="$o99" -v b="$c99" 'BEGIN { printf "%+.3f", a - b }')
        deltas[$config]+="$d50 $d99,"
        printf '%-11s %3d  %-16s %-16s p50 %s, p99 %s\n' "$config" "$rep" "$c50 / $c99" "$o50 / $o99" "$d50" "$d99"
    done
done
echo "median over $REPS repetitions of ours - ceiling, $PINGS pings of $SIZE B every $INTERVAL s each (ms):"
for config in "${configs[@]}"; do
    tr ',' '\n' <<<"${deltas[$config]}" | awk -v c="$config" 'NF { a[NR] = $1; b[NR] = $2; n = NR }
        function median(v, n,  i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
        END { printf "  %-11s p50 %+.3f  p99 %+.3f\n", c, median(a, n), median(b, n) }'
done
say "logs: $OUT"
