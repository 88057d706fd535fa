#!/usr/bin/env bash
# Side-by-side benchmark (issue 11): in ONE run with ONE private broker, interleaved repetitions of
#   ceiling  the ceiling chain (bench/Ceiling: minimal RabbitMQ.Client ends and forwarder, our JSON bodies)
#   address  two `agent tun` through `agent router` (address mode)
#   hub      the same through `agent router --mode hub`
#   direct   two `agent tun --direct`, no router
#   direct-nc  the same with --no-confirm (publishes not confirmed by the broker, as the ceiling's are not)
#   address-nc  address with the agents' publishes not confirmed (--no-confirm); not in the default set
# For each: ping RTT p50/p99 (56 and 1200 B), the highest UDP rate with < 1% loss (64 and 1200 B, iperf3), CPU ms per
# packet of every process at a fixed rate, RSS idle and peak. Prints one table, every figure a median (min-max) over
# the repetitions and as a fraction of the ceiling's of the same run, and writes the same as JSON. Root needed.
#
#   sudo bench/compare.sh [--reps N] [--quick] [--configs ceiling,address,hub,direct,direct-nc,address-nc] [--router-args "--no-tt"]
#                         [--pings N] [--iperf-time S] [--steps N] [--cpu-time S] [--no-build] [--aot] [--json FILE]
# --aot publishes the agent and the ceiling chain with Native AOT (dotnet publish -r linux-x64 -p:PublishAot=true) and runs those.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/compare-lib.sh"

die() { printf 'compare.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*" >&2; }

REPS=3 PINGS=1000 PING_INTERVAL=0.01 IPERF_TIME=3 SEARCH_STEPS=7 CPU_RATE=500 CPU_TIME=10 BUILD=1 QUICK=0 AOT=0
CONFIGS=ceiling,address,hub,direct,direct-nc ROUTER_ARGS="" JSON=""
set_quick() { QUICK=1 REPS=1 PINGS=200 IPERF_TIME=1 SEARCH_STEPS=5 CPU_TIME=4; }
need() { (( $1 >= 2 )) || die "$2 needs a value"; }
while (( $# > 0 )); do
    case $1 in
        --quick) set_quick; shift ;;
        --reps) need $# "$1"; REPS=$2; shift 2 ;;
        --configs) need $# "$1"; CONFIGS=$2; shift 2 ;;
        --router-args) need $# "$1"; ROUTER_ARGS=$2; shift 2 ;;
        --pings) need $# "$1"; PINGS=$2; shift 2 ;;
        --iperf-time) need $# "$1"; IPERF_TIME=$2; shift 2 ;;
        --steps) need $# "$1"; SEARCH_STEPS=$2; shift 2 ;;
        --cpu-time) need $# "$1"; CPU_TIME=$2; shift 2 ;;
        --json) need $# "$1"; JSON=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --aot) AOT=1; shift ;;
        -h|--help) sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
for n in "$REPS" "$PINGS" "$IPERF_TIME" "$SEARCH_STEPS" "$CPU_TIME"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number"
done
IFS=, read -r -a configs <<<"$CONFIGS"
for c in "${configs[@]}"; do [[ $c =~ ^(ceiling|address|hub|direct|direct-nc|address-nc)$ ]] || die "unknown configuration '$c' (ceiling, address, hub, direct, direct-nc, address-nc)"; done

[[ $(id -u) == 0 ]] || die "run as root (network namespaces and TUN interfaces need it): sudo bench/compare.sh"
command -v iperf3 >/dev/null 2>&1 || die "iperf3 is missing; install it: apt-get install -y iperf3"
command -v ping >/dev/null 2>&1 || die "ping is missing; install it: apt-get install -y iputils-ping"
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || die "rabbitmq-server is missing; install it: apt-get install -y rabbitmq-server"

binaries "$AOT" "$BUILD"

OUT=$(mktemp -d /tmp/agent-compare.XXXXXX)
RAW=$OUT/raw.tsv
NS1=cmp$$-1 NS2=cmp$$-2
broker_port compare
URL="amqp://guest:guest@localhost:$PORT/"

declare -A role_pid=()
iperf_pid="" broker_started=0
stop_config() {
    local pid
    [[ -n $iperf_pid ]] && { kill "$iperf_pid" 2>/dev/null || true; wait "$iperf_pid" 2>/dev/null || true; iperf_pid=""; }
    for role in "${!role_pid[@]}"; do [[ $role == broker ]] || kill -TERM "${role_pid[$role]}" 2>/dev/null || true; done
    for role in "${!role_pid[@]}"; do
        [[ $role == broker ]] && continue
        pid=${role_pid[$role]}
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        unset "role_pid[$role]"
    done
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_config
    ip netns del "$NS1" 2>/dev/null || true
    ip netns del "$NS2" 2>/dev/null || true
    (( broker_started )) && bash "$ROOT/scripts/broker.sh" stop "$NODE" 2>/dev/null || true
    (( rc == 0 )) || say "compare.sh: stopped (exit $rc); logs in $OUT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
broker_started=1
# Both chains run on this one broker, its schedulers not spinning (QUIET_BROKER_ARGS).
BROKER_ERL_ARGS=$QUIET_BROKER_ARGS bash "$ROOT/scripts/broker.sh" start "$NODE" "$PORT" || die "the private broker did not start"
role_pid[broker]=$(tr -dc '0-9' <"/tmp/agent-broker-$NODE/pid")
for ns in "$NS1" "$NS2"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done

# start_config NAME LOG: starts the processes of one configuration, their pids in role_pid.
start_config() {
    local log=$1
    case $2 in
        ceiling)
            "$CEILING" forward --url "$URL" >"$log.router" 2>&1 & role_pid[router]=$!
            "$CEILING" end --url "$URL" --name agent_1 --netns "$NS1" >"$log.agent_1" 2>&1 & role_pid[agent_1]=$!
            "$CEILING" end --url "$URL" --name agent_2 --netns "$NS2" >"$log.agent_2" 2>&1 & role_pid[agent_2]=$! ;;
        address|address-nc|hub|direct|direct-nc)
            local -a extra=()
            [[ $2 == direct ]] && extra=(--direct)
            [[ $2 == direct-nc ]] && extra=(--direct --no-confirm)
            [[ $2 == address-nc ]] && extra=(--no-confirm)
            if [[ $2 != direct* ]]; then
                local -a mode=() router_args=()
                [[ $2 == hub ]] && mode=(--mode hub)
                read -r -a router_args <<<"$ROUTER_ARGS"
                "$AGENT" router --url "$URL" -q --no-banner "${mode[@]}" "${router_args[@]}" >"$log.router" 2>&1 & role_pid[router]=$!
            fi
            "$AGENT" tun --url "$URL" -q --no-banner --name agent_1 --netns "$NS1" "${extra[@]}" >"$log.agent_1" 2>&1 & role_pid[agent_1]=$!
            "$AGENT" tun --url "$URL" -q --no-banner --name agent_2 --netns "$NS2" "${extra[@]}" >"$log.agent_2" 2>&1 & role_pid[agent_2]=$! ;;
    esac
}

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"; }

# run_config NAME REP: one repetition of one configuration, every figure appended to RAW.
declare -A seed64=() seed1200=()
run_config() {
    local config=$1 rep=$2 log=$OUT/$1-$2 t0 role p50 p99 loss size
    say "== $config, repetition $rep of $REPS (load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo 5 >"/proc/${role_pid[broker]}/clear_refs" 2>/dev/null || true # the broker's peak RSS starts again
    t0=$(date +%s.%N)
    start_config "$log" "$config"
    local ready=0
    for _ in $(seq 300); do
        if ip netns exec "$NS1" ping -6 -n -c 1 -W 0.3 bbbb::2 >/dev/null 2>&1; then ready=1; break; fi
        sleep 0.05
    done
    (( ready )) || { tail -n 20 "$log".* >&2; die "$config: no ping through after 30 s; logs in $OUT"; }
    record "$config" "$rep" first_ping_s "$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.2f", t1 - t0 }')"
    ip netns exec "$NS2" iperf3 -s --rcv-timeout 10000 >"$log.iperf3" 2>&1 & iperf_pid=$!
    for size in 56 1200; do ip netns exec "$NS1" ping -6 -n -q -f -c 300 -s "$size" -W 1 bbbb::2 >/dev/null 2>&1 || true; done # warm-up
    drain
    sleep 1
    for role in "${!role_pid[@]}"; do record "$config" "$rep" "rss_idle_$role" "$(status_mb "${role_pid[$role]}" VmRSS)"; done
    for size in 56 1200; do
        read -r p50 p99 loss < <(ping_rtts "$size")
        say "    ping $size B: p50 $p50 ms, p99 $p99 ms, loss $loss %"
        record "$config" "$rep" "ping${size}_p50_ms" "$p50"; record "$config" "$rep" "ping${size}_p99_ms" "$p99"
        record "$config" "$rep" "ping${size}_loss_pct" "$loss"
    done
    while read -r role value; do record "$config" "$rep" "cpu_ms_per_pkt_$role" "$value"; done < <(cpu_per_packet "${!role_pid[@]}")
    seed64[$config]=$(rate_search 64 "${seed64[$config]:-1000}")
    seed1200[$config]=$(rate_search 1200 "${seed1200[$config]:-1000}")
    record "$config" "$rep" rate64_pps "${seed64[$config]}"; record "$config" "$rep" rate1200_pps "${seed1200[$config]}"
    say "    highest rate with < 1% loss: ${seed64[$config]} pkt/s of 64 B, ${seed1200[$config]} pkt/s of 1200 B"
    (( seed64[$config] > 0 )) || seed64[$config]=1000
    (( seed1200[$config] > 0 )) || seed1200[$config]=1000
    for role in "${!role_pid[@]}"; do record "$config" "$rep" "rss_peak_$role" "$(status_mb "${role_pid[$role]}" VmHWM)"; done
    for role in "${!role_pid[@]}"; do
        kill -0 "${role_pid[$role]}" 2>/dev/null || { tail -n 20 "$log.$role" >&2; die "$config: $role died; logs in $OUT"; }
    done
    stop_config
    role_pid[broker]=$(tr -dc '0-9' <"/tmp/agent-broker-$NODE/pid")
}

for (( rep = 1; rep <= REPS; rep++ )); do
    for config in "${configs[@]}"; do run_config "$config" "$rep"; done
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$ROOT/bench/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
JSON=${JSON:-$ROOT/bench/results/compare-$STAMP.json}
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- src bench 2>/dev/null || commit="$commit+changes"
settings=$(printf '%s=%s;' time "$STAMP" commit "$commit" reps "$REPS" quick "$QUICK" aot "$AOT" configs "$CONFIGS" \
    pings "$PINGS" ping_interval_s "$PING_INTERVAL" iperf_time_s "$IPERF_TIME" search_steps "$SEARCH_STEPS" \
    cpu_rate_pps "$CPU_RATE" cpu_time_s "$CPU_TIME" router_args "${ROUTER_ARGS:-none}" cores "$(nproc)" \
    load_before "$LOAD_BEFORE" load_after "$LOAD_AFTER" kernel "$(uname -r)" \
    rabbitmq "$(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null || echo unknown)")
awk -F'\t' -v settings="$settings" -v json="$JSON" -v order="$CONFIGS" -f "$ROOT/bench/compare-report.awk" "$RAW"
say "raw figures and logs: $OUT"
