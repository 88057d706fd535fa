# Sourced by demo.sh and bench/tunnel.sh: a local session of a private RabbitMQ node, our router,
# two TUN agents (agent_1, agent_2) whose interfaces live in their own network namespaces, and
# (with SESSION_MOTE=1) a simulated mote on a pseudo-terminal behind `agent serial` (agent_3).
# Defines session_traps, session_start and session_stop; sets AGENT, URL, NS1, NS2, OUT, MOTE_ADDRESS, NODE.
# SESSION_AGENT and SESSION_SIM name executables already built (the tests' own) instead of publishing them here;
# SESSION_FIRMWARE_SIM=1 builds firmware-sim without starting a mote (for scripts that start their own).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(mktemp -d /tmp/agent-session.XXXXXX)
NODE="agent-session-$$"
PORT=$(( 24000 + $$ % 1000 ))
NS1=${NS1:-demo-agent1}
NS2=${NS2:-demo-agent2}
URL="amqp://guest:guest@localhost:$PORT/session"
AGENT=${SESSION_AGENT:-$OUT/bin/agent}
SIM=${SESSION_SIM:-$OUT/bin/firmware-sim}
MOTE_LINK="$OUT/mote"
MOTE_ADDRESS=bbbb::1615:92cc:0:3
session_pids=()

say() { printf '\n== %s\n' "$*"; }

session_start() {
    [[ $(id -u) == 0 ]] || { echo "run as root (TUN interfaces and network namespaces need it)" >&2; exit 1; }
    if { ! command -v rabbitmq-server >/dev/null 2>&1 && [[ ! -x /usr/sbin/rabbitmq-server ]]; } || ! command -v ping >/dev/null 2>&1; then
        say "installing rabbitmq-server, iproute2, iputils-ping"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server iproute2 iputils-ping </dev/null
    fi

    say "building the agent"
    [[ -n ${SESSION_AGENT:-} ]] || dotnet publish "$ROOT/src/Agent.Cli" -c Release -o "$OUT/bin" -nologo -v quiet >/dev/null
    if [[ ${SESSION_MOTE:-0} == 1 || ${SESSION_FIRMWARE_SIM:-0} == 1 ]] && [[ -z ${SESSION_SIM:-} ]]; then
        dotnet publish "$ROOT/firmware-sim" -c Release -o "$OUT/bin" -nologo -v quiet >/dev/null
    fi

    say "starting a private RabbitMQ node on port $PORT"
    bash "$ROOT/scripts/broker.sh" start "$NODE" "$PORT"
    bash "$ROOT/scripts/broker.sh" ctl "$NODE" add_vhost session >/dev/null
    bash "$ROOT/scripts/broker.sh" ctl "$NODE" set_permissions -p session guest '.*' '.*' '.*' >/dev/null

    for ns in "$NS1" "$NS2"; do
        ip netns del "$ns" 2>/dev/null || true
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done

    say "starting router, agent_1 (namespace $NS1) and agent_2 (namespace $NS2)"
    "$AGENT" router --url "$URL" "$@" >"$OUT/router.log" 2>&1 & session_pids+=($!)
    "$AGENT" tun --url "$URL" --name agent_1 --netns "$NS1" "$@" >"$OUT/agent_1.log" 2>&1 & session_pids+=($!)
    "$AGENT" tun --url "$URL" --name agent_2 --netns "$NS2" "$@" >"$OUT/agent_2.log" 2>&1 & session_pids+=($!)
    if [[ ${SESSION_MOTE:-0} == 1 ]]; then
        say "starting a simulated mote (SLIP on a pseudo-terminal at $MOTE_LINK) and agent_3 (agent serial) for it"
        "$SIM" --link "$MOTE_LINK" --framing slip --mac 14:15:92:cc:00:00:00:03 >"$OUT/mote.log" 2>&1 & session_pids+=($!)
        for _ in $(seq 50); do [[ -e $MOTE_LINK ]] && break; sleep 0.1; done
        "$AGENT" serial --url "$URL" --name agent_3 --port "$MOTE_LINK" "$@" >"$OUT/agent_3.log" 2>&1 & session_pids+=($!)
    fi
    for ns in "$NS1" "$NS2"; do
        for _ in $(seq 100); do ip -n "$ns" -o addr show | grep -q "inet6 bbbb::" && break; sleep 0.1; done
        ip -n "$ns" -o addr show | grep "inet6 bbbb::" | awk '{print "  " $2 " " $4}' || { cat "$OUT"/*.log; exit 1; }
    done
}

# Tears the session down on any exit: the end of the script, Ctrl-C, SIGTERM, or the reader of our output gone
# (`demo.sh | head`; `demo.sh | tee demo.log`, whose Ctrl-C ends tee too). Without a trap, SIGPIPE would kill the
# shell at its next write, before any teardown, leaving the broker node and the namespaces behind.
session_traps() {
    trap session_stop EXIT
    trap 'exit 0' INT TERM
    trap 'exit 141' PIPE
}

session_stop() {
    trap - EXIT
    # Whatever became of stdout, the teardown finishes: its progress goes to stderr, a write that fails (a closed pipe)
    # neither kills the shell nor stops it, and an impatient second Ctrl-C does not cut it short.
    trap '' PIPE INT TERM
    set +e
    exec >&2
    say "tearing down"
    for pid in "${session_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${session_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    grep -h -E "Stopped|Counters" "$OUT"/*.log 2>/dev/null | sed 's/^/  /' || true
    ip netns del "$NS1" 2>/dev/null || true
    ip netns del "$NS2" 2>/dev/null || true
    bash "$ROOT/scripts/broker.sh" stop "$NODE" 2>/dev/null || true
    echo "logs kept in $OUT"
}
