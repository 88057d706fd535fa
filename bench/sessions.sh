#!/usr/bin/env bash
# Many sessions on one broker: K sessions (vhosts s1..sK), each with its own router and two TUN agents in network
# namespaces, and a steady ping stream in each (PING_RATE echo requests a second for SECONDS). For K = 1, 2, 4, ...
# up to KMAX it prints the RTT p50/p99 over all sessions' pings, the broker's CPU and memory, and our processes'
# CPU, RSS and PSS per session (router + two agents; PSS counts the runtime's pages shared between processes by
# share), and the router's alone. Sessions are added as K grows (1, then 1 more, then 2 more ...).
# Root needed. The figures of this shared 2-core machine are
# indicative only; compare runs on one machine.
#
#   sudo bench/sessions.sh [KMAX]        (default 8: K = 1, 2, 4, 8)
#   AGENT=path/to/agent SECONDS_PER_K=20 PING_RATE=5 sudo -E bench/sessions.sh 8
#   ONE_ROUTER=1 sudo -E bench/sessions.sh 8     one router process for all sessions (--vhost s1 --vhost s2 ...),
#                                                started again with the new list at each K
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/compare-lib.sh"   # cpu_ticks, status_mb

KMAX=${1:-8}
DURATION=${SECONDS_PER_K:-20}
PING_RATE=${PING_RATE:-5}
ONE_ROUTER=${ONE_ROUTER:-0}
[[ $KMAX =~ ^[0-9]+$ ]] && (( KMAX >= 1 && KMAX <= 64 )) || { echo "usage: bench/sessions.sh [KMAX 1-64]" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root (TUN interfaces and network namespaces need it)" >&2; exit 1; }

OUT=$(mktemp -d /tmp/agent-sessions.XXXXXX)
NODE="agent-sessions-$$"
PORT=$(( 24000 + $$ % 1000 ))
AGENT=${AGENT:-$OUT/bin/agent}
pids=()
namespaces=()
broker_started=0

say() { printf '== %s\n' "$*" >&2; }
ctl() { bash "$ROOT/scripts/broker.sh" ctl "$NODE" "$@"; }
# pss_mb PID: proportional set size in MB: pages shared with other processes (the runtime's code) count by share.
pss_mb() { awk '$1 == "Pss:" { printf "%.1f\n", $2 / 1024 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
# sum_mb FUNCTION FIELD PIDS...: the sum over PIDS.
sum_mb() {
    local f=$1 field=$2 total=0 pid; shift 2
    for pid in "$@"; do total=$(awk -v a="$total" -v b="$($f "$pid" $field)" 'BEGIN { print a + b }'); done
    echo "$total"
}

stop_sessions() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    namespaces=()
}

cleanup() {
    trap - EXIT
    trap '' INT TERM PIPE
    set +e
    stop_sessions
    (( broker_started )) && bash "$ROOT/scripts/broker.sh" stop "$NODE" >/dev/null 2>&1
    echo "logs kept in $OUT" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -x $AGENT ]]; then
    say "building the agent"
    dotnet publish "$ROOT/src/Agent.Cli" -c Release -o "$OUT/bin" -nologo -v quiet >/dev/null
fi
say "starting a private RabbitMQ node on port $PORT"
broker_started=1
bash "$ROOT/scripts/broker.sh" start "$NODE" "$PORT"
BROKER_PID=$(tr -dc '0-9' <"/tmp/agent-broker-$NODE/pid")
# All vhosts in one call: each rabbitmqctl costs seconds of CLI start-up.
ctl eval "lists:foreach(fun(I) -> V = list_to_binary(\"s\" ++ integer_to_list(I)),
    ok = rabbit_vhost:add(V, <<\"bench\">>),
    ok = rabbit_auth_backend_internal:set_permissions(<<\"guest\">>, V, <<\".*\">>, <<\".*\">>, <<\".*\">>, <<\"bench\">>)
  end, lists:seq(1, $KMAX))." >/dev/null

# start_session I: router (unless ONE_ROUTER) and two agents in vhost sI, namespaces sesIa/sesIb; pids in session_pids[I], agent_pids[I].
declare -A session_pids=() agent_pids=()
router_pid=""

# start_one_router K: (again) one router process for sessions s1..sK.
start_one_router() {
    local -a args=()
    for (( i = 1; i <= $1; i++ )); do args+=(--vhost "s$i"); done
    if [[ -n $router_pid ]]; then kill -TERM "$router_pid" 2>/dev/null || true; wait "$router_pid" 2>/dev/null || true; fi
    "$AGENT" router --url "amqp://guest:guest@localhost:$PORT/" -q --no-tt "${args[@]}" >>"$OUT/router.log" 2>&1 & pids+=($!)
    router_pid=$!
}
start_session() {
    local i=$1 url="amqp://guest:guest@localhost:$PORT/s$1" ns
    for ns in "ses${i}a-$$" "ses${i}b-$$"; do
        ip netns del "$ns" 2>/dev/null || true
        ip netns add "$ns"; ip -n "$ns" link set lo up
        namespaces+=("$ns")
    done
    if (( ONE_ROUTER )); then
        session_pids[$i]=""
    else
        "$AGENT" router --url "$url" -q --no-tt >"$OUT/s$i-router.log" 2>&1 & pids+=($!); session_pids[$i]="$!"
    fi
    "$AGENT" tun --url "$url" -q --name agent_1 --netns "ses${i}a-$$" >"$OUT/s$i-agent_1.log" 2>&1 & pids+=($!); agent_pids[$i]="$!"
    "$AGENT" tun --url "$url" -q --name agent_2 --netns "ses${i}b-$$" >"$OUT/s$i-agent_2.log" 2>&1 & pids+=($!); agent_pids[$i]+=" $!"
}

# wait_session I: until both interfaces have their address and a ping crosses session I (at most 60 s each).
wait_session() {
    local ns
    for ns in "ses${1}a-$$" "ses${1}b-$$"; do
        for _ in $(seq 600); do ip -n "$ns" -o addr show | grep -q "inet6 bbbb::" && break; sleep 0.1; done
    done
    ip netns exec "ses${1}a-$$" ping -6 -n -c 1 -w 60 bbbb::2 >/dev/null 2>&1 || { echo "session s$1 did not come up; see $OUT" >&2; exit 1; }
}

printf '%3s  %8s  %8s  %6s  %8s  %9s  %11s  %14s  %13s\n' K "p50 ms" "p99 ms" loss "broker %" "broker MB" "ours %/sess" "ours MB/sess" "router MB"
printf '%3s  %8s  %8s  %6s  %8s  %9s  %11s  %14s  %13s\n' "" "" "" "" "CPU" "RSS" "CPU" "RSS / PSS" "RSS / PSS"
k=1 running=0
while (( k <= KMAX )); do
    say "K = $k: starting sessions $(( running + 1 ))-$k"
    for (( i = running + 1; i <= k; i++ )); do start_session "$i"; done
    (( ! ONE_ROUTER )) || start_one_router "$k"
    for (( i = running + 1; i <= k; i++ )); do wait_session "$i"; done
    running=$k
    sleep 2   # let start-up work settle
    ours=() routers=()
    for (( i = 1; i <= k; i++ )); do routers+=(${session_pids[$i]}); ours+=(${session_pids[$i]} ${agent_pids[$i]}); done
    if (( ONE_ROUTER )); then routers=("$router_pid"); ours+=("$router_pid"); fi
    b0=$(cpu_ticks "$BROKER_PID"); o0=0
    for pid in "${ours[@]}"; do o0=$(( o0 + $(cpu_ticks "$pid") )); done
    t0=$(date +%s.%N)
    count=$(( DURATION * PING_RATE ))
    interval=$(awk -v r="$PING_RATE" 'BEGIN { printf "%.3f", 1 / r }')
    ping_jobs=()
    for (( i = 1; i <= k; i++ )); do
        ip netns exec "ses${i}a-$$" ping -6 -n -c "$count" -i "$interval" -W 2 bbbb::2 >"$OUT/s$i-ping.txt" 2>&1 & ping_jobs+=($!)
    done
    for job in "${ping_jobs[@]}"; do wait "$job" || true; done
    t1=$(date +%s.%N)
    b1=$(cpu_ticks "$BROKER_PID"); o1=0
    for pid in "${ours[@]}"; do o1=$(( o1 + $(cpu_ticks "$pid") )); done
    rss=$(sum_mb status_mb VmRSS "${ours[@]}") pss=$(sum_mb pss_mb "" "${ours[@]}")
    router_rss=$(sum_mb status_mb VmRSS "${routers[@]}") router_pss=$(sum_mb pss_mb "" "${routers[@]}")
    cat "$OUT"/s*-ping.txt | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -g >"$OUT/rtts-$k.txt"
    awk -v k="$k" -v sent=$(( count * k )) -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v hz="$CLK_TCK" \
        -v b="$(( b1 - b0 ))" -v o="$(( o1 - o0 ))" -v bmb="$(status_mb "$BROKER_PID" VmRSS)" -v omb="$rss" -v opss="$pss" -v rmb="$router_rss" -v rpss="$router_pss" '
        { v[NR] = $1 }
        function at(q,  i) { i = int(q * NR + 0.999999); if (i < 1) i = 1; return v[i] }
        END { printf "%3d  %8.2f  %8.2f  %5.1f%%  %8.1f  %9.0f  %11.1f  %7.0f / %4.0f  %6.0f / %4.0f\n", k, at(0.5), at(0.99),
              100 * (sent - NR) / sent, 100 * b / hz / t, bmb, 100 * o / hz / t / k, omb / k, opss / k, rmb / k, rpss / k }' "$OUT/rtts-$k.txt"
    rm -f "$OUT"/s*-ping.txt
    k=$(( k * 2 ))
done
