#!/usr/bin/env bash
# A local demo session on this machine: a private RabbitMQ node, our router, and two TUN agents
# (agent_1, agent_2), each interface in its own network namespace. Pings across both ways, prints
# what happened, then keeps the session up until Ctrl-C, when it tears everything down.
#
#   sudo scripts/demo.sh            (installs rabbitmq-server and iputils-ping if missing)
#
# While it runs, try: sudo ip netns exec demo-agent1 ping -6 bbbb::2
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $(id -u) == 0 ]] || { echo "demo.sh: run as root (TUN interfaces and network namespaces need it)" >&2; exit 1; }

say() { printf '\n== %s\n' "$*"; }

if ! command -v rabbitmq-server >/dev/null 2>&1 && [[ ! -x /usr/sbin/rabbitmq-server ]] || ! command -v ping >/dev/null 2>&1; then
    say "installing rabbitmq-server, iproute2, iputils-ping"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server iproute2 iputils-ping </dev/null
fi

OUT=$(mktemp -d /tmp/agent-demo.XXXXXX)
NODE="agent-demo-$$"
PORT=$(( 24000 + $$ % 1000 ))
NS1=demo-agent1 NS2=demo-agent2
pids=()

teardown() {
    trap - EXIT INT TERM
    say "tearing down"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    ip netns del "$NS1" 2>/dev/null || true
    ip netns del "$NS2" 2>/dev/null || true
    bash "$ROOT/scripts/broker.sh" stop "$NODE" 2>/dev/null || true
    echo "logs kept in $OUT"
}
trap teardown EXIT
trap 'exit 0' INT TERM

say "building the agent"
dotnet publish "$ROOT/src/Agent.Cli" -c Release -o "$OUT/bin" -nologo -v quiet >/dev/null
AGENT="$OUT/bin/agent"

say "starting a private RabbitMQ node on port $PORT"
bash "$ROOT/scripts/broker.sh" start "$NODE" "$PORT"
bash "$ROOT/scripts/broker.sh" ctl "$NODE" add_vhost demo >/dev/null
bash "$ROOT/scripts/broker.sh" ctl "$NODE" set_permissions -p demo guest '.*' '.*' '.*' >/dev/null
URL="amqp://guest:guest@localhost:$PORT/demo"

for ns in "$NS1" "$NS2"; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; ip -n "$ns" link set lo up; done

say "starting router, agent_1 (namespace $NS1) and agent_2 (namespace $NS2)"
"$AGENT" router --url "$URL" >"$OUT/router.log" 2>&1 & pids+=($!)
"$AGENT" tun --url "$URL" --name agent_1 --netns "$NS1" >"$OUT/agent_1.log" 2>&1 & pids+=($!)
"$AGENT" tun --url "$URL" --name agent_2 --netns "$NS2" >"$OUT/agent_2.log" 2>&1 & pids+=($!)
for log in agent_1 agent_2; do
    for _ in $(seq 100); do grep -q "is up" "$OUT/$log.log" && break; sleep 0.1; done
    grep "is up" "$OUT/$log.log" || { cat "$OUT/$log.log"; exit 1; }
done

say "ping -6 bbbb::2 from agent_1's namespace"
ip netns exec "$NS1" ping -6 -c 5 -i 0.3 -W 3 bbbb::2 || true
say "ping 10.2.0.1 from agent_2's namespace"
ip netns exec "$NS2" ping -c 5 -i 0.3 -W 3 10.2.0.1 || true

say "what agent_1 logged"
tail -n 15 "$OUT/agent_1.log"

say "session is up: try 'sudo ip netns exec $NS1 ping -6 bbbb::2'; Ctrl-C to stop"
wait "${pids[0]}" || true
