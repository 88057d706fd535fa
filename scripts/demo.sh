#!/usr/bin/env bash
# A local demo session on this machine: a private RabbitMQ node, our router, two TUN agents
# (agent_1, agent_2), each interface in its own network namespace, and a simulated mote behind
# `agent serial` (agent_3). Pings across, prints what happened, then keeps the session up until
# Ctrl-C, when it tears everything down.
#
#   sudo scripts/demo.sh            (installs rabbitmq-server and iputils-ping if missing)
#
# While it runs, try: sudo ip netns exec demo-agent1 ping -6 bbbb::2
set -euo pipefail
SESSION_MOTE=1
source "$(dirname "${BASH_SOURCE[0]}")/session.sh"

session_traps
session_start

say "ping -6 bbbb::2 from agent_1's namespace"
ip netns exec "$NS1" ping -6 -c 5 -i 0.3 -W 3 bbbb::2 || true
say "ping 10.2.0.1 from agent_2's namespace"
ip netns exec "$NS2" ping -c 5 -i 0.3 -W 3 10.2.0.1 || true

say "ping -6 $MOTE_ADDRESS (the simulated mote, over SLIP at 115200 baud) from agent_1's namespace"
ip netns exec "$NS1" ping -6 -c 5 -i 0.5 -W 3 "$MOTE_ADDRESS" || true

say "what agent_1 logged"
tail -n 8 "$OUT/agent_1.log"
say "what agent_3 (the mote's agent) logged"
grep -v " up \| down " "$OUT/agent_3.log" | tail -n 6

say "session is up: try 'sudo ip netns exec $NS1 ping -6 bbbb::2' or '... ping -6 $MOTE_ADDRESS'; Ctrl-C to stop"
wait "${session_pids[0]}" || true
