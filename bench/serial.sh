#!/usr/bin/env bash
# Serial throughput: how much of the line rate `agent serial` carries, over a pseudo-terminal and over TCP.
# A session (scripts/session.sh: private broker, router, agent_1 in namespace demo-agent1), then for each baud rate and
# transport a simulated mote (firmware-sim, SLIP, its output paced like a UART at the baud rate) and agent_3 for it.
# agent_1 pings the mote with 1000-byte payloads for SECONDS, a little faster than the line can answer (8 at once,
# then one every 0.9 reply times), so that the mote always has a reply to send; the replies cross the line at its
# pace, then agent_3, the broker, the router and agent_1. The figure is the replies' IP bytes per second as a fraction
# of the line's bytes per second (baud / 10: start, 8 data bits, stop); SLIP's own bytes (an END each side, escapes)
# put the ceiling at about 0.99 (HDLC's flag, FCS and escapes about the same).
# Root needed. Numbers on a shared machine are indicative only.
#
#   sudo bench/serial.sh [SECONDS]   (default 15; framings slip, hdlc; transports pty, tcp, rfc2217; 115200 and 921600 baud)
#   BAUDS="115200" TRANSPORTS="pty tcp" FRAMINGS=hdlc sudo bench/serial.sh 10
set -euo pipefail
SECONDS_EACH=${1:-15}
BAUDS=${BAUDS:-115200 921600}
TRANSPORTS=${TRANSPORTS:-pty tcp rfc2217}
FRAMINGS=${FRAMINGS:-slip hdlc}
SIZE=1000
export SESSION_FIRMWARE_SIM=1
export NS1=${NS1:-bench-serial1-$$} NS2=${NS2:-bench-serial2-$$}   # not the demo's namespaces: it may be running
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/session.sh"

mote_pids=()
stop_motes() {
    for pid in "${mote_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${mote_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    mote_pids=()
}
trap 'stop_motes; session_stop' EXIT
trap 'exit 130' INT TERM
session_start -q

port=$(( 26900 + $$ % 90 ))
results=()
for framing in $FRAMINGS; do
for baud in $BAUDS; do
    for transport in $TRANSPORTS; do
        port=$(( port + 1 ))
        case $transport in
            pty) where=(--link "$OUT/bench-mote"); line=$OUT/bench-mote ;;
            *) where=(--listen "$transport://127.0.0.1:$port"); line=$transport://127.0.0.1:$port ;;
        esac
        interval=$(awk -v s="$SIZE" -v b="$baud" 'BEGIN { printf "%.4f", 0.9 * (s + 52) * 10 / b }')
        say "$framing over $transport at $baud baud: ping -6 -l 8 -i $interval -s $SIZE for $SECONDS_EACH s"
        "$SIM" "${where[@]}" --framing "$framing" --address bbbb::3 --baud "$baud" --text-every 0 >"$OUT/mote-$transport-$baud.log" 2>&1 &
        mote_pids+=($!)
        for _ in $(seq 100); do grep -q "mote on" "$OUT/mote-$transport-$baud.log" && break; sleep 0.1; done
        "$AGENT" serial --url "$URL" --name agent_3 --port "$line" --baud "$baud" --framing "$framing" -q >"$OUT/agent_3-$transport-$baud.log" 2>&1 &
        mote_pids+=($!)
        for _ in $(seq 50); do ip netns exec "$NS1" ping -6 -c 1 -W 1 bbbb::3 >/dev/null 2>&1 && break; done
        received=$(ip netns exec "$NS1" ping -6 -l 8 -i "$interval" -s "$SIZE" -w "$SECONDS_EACH" -q bbbb::3 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
        stop_motes
        row=$(awk -v r="${received:-0}" -v s="$SIZE" -v t="$SECONDS_EACH" -v b="$baud" -v n="$transport" -v f="$framing" 'BEGIN {
            ip = r * (s + 48) / t; line = b / 10;
            printf "%-7s %-8s %8d %8d %12.0f %12.0f %9.2f", f, n, b, r, ip, line, ip / line }')
        echo "$row"
        results+=("$row")
    done
done
done

printf '\n%-7s %-8s %8s %8s %12s %12s %9s\n' framing transport baud replies "IP B/s" "line B/s" fraction
printf '%s\n' "${results[@]}"
