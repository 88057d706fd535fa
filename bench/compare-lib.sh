# Measurements of bench/compare.sh (sourced): pings, UDP rates with iperf3, CPU and memory from /proc.
# Every function prints its figures; nothing here starts or stops a session.

CLK_TCK=$(getconf CLK_TCK)

# ping_rtts SIZE: PINGS echo requests of SIZE bytes from NS1 to bbbb::2 at PING_INTERVAL; prints "p50 p99 loss%".
ping_rtts() {
    local size=$1
    ip netns exec "$NS1" ping -6 -n -c "$PINGS" -i "$PING_INTERVAL" -s "$size" -W 2 bbbb::2 2>/dev/null \
        | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -g \
        | awk -v sent="$PINGS" '{ v[NR] = $1 }
            function at(q,  i) { i = int(q * NR + 0.999999); if (i < 1) i = 1; return v[i] }
            END { if (NR == 0) print "nan nan 100"; else printf "%.3f %.3f %.1f\n", at(0.5), at(0.99), 100 * (sent - NR) / sent }'
}

# drain: waits (up to 30 s) until an echo request gets through, so that whatever an overload left queued on the way
# (sockets, the broker's queues) has been delivered before the next measurement.
drain() {
    ip netns exec "$NS1" ping -6 -n -c 1 -w 30 bbbb::2 >/dev/null 2>&1 || true
}

# udp_run SIZE PPS SECONDS: offers PPS datagrams/s of SIZE bytes from NS1 to NS2's iperf3 server for SECONDS;
# prints "sent received" (datagrams). A run that fails or hangs prints "0 0". The sockets get 2 MB buffers: with the
# default 208 KB the receiving iperf3 itself dropped datagrams of a burst (Udp6RcvbufErrors), whatever the chain.
udp_run() {
    local size=$1 pps=$2 seconds=$3 out
    out=$(ip netns exec "$NS1" timeout $(( seconds + 20 )) iperf3 -c bbbb::2 -u -w 2M -l "$size" -b $(( pps * size * 8 )) \
        -t "$seconds" --connect-timeout 5000 2>&1) || { echo "0 0"; return 0; }
    # Loss from what the receiver got of what the sender sent: the receiver's own total misses a lost tail.
    awk '/ sender$/ { split($(NF-2), s, "/"); sent = s[2] }
         / receiver$/ { split($(NF-2), r, "/"); got = r[2] - r[1] }
         END { printf "%d %d\n", sent, (got > 0 ? got : 0) }' <<<"$out"
}

# rate_search SIZE SEED: the highest offered rate (packets/s) with under 1% loss, by doubling (or halving) from SEED
# and then bisecting, at most SEARCH_STEPS runs of IPERF_TIME s. Prints "pps" received at the best passing rate.
rate_search() {
    local size=$1 rate=$2 lo=0 hi=0 best=0 step sent got
    for (( step = 0; step < SEARCH_STEPS; step++ )); do
        read -r sent got < <(udp_run "$size" "$rate" "$IPERF_TIME")
        if (( sent > 0 && got * 100 >= sent * 99 )); then
            lo=$rate
            (( got / IPERF_TIME > best )) && best=$(( got / IPERF_TIME ))
        else
            hi=$rate
        fi
        drain
        printf '    %5d B at %6d pkt/s offered: %6d sent, %6d received\n' "$size" "$rate" "$sent" "$got" >&2
        if (( hi == 0 )); then rate=$(( rate * 2 ))
        elif (( lo == 0 )); then rate=$(( rate / 2 )); (( rate >= 25 )) || break
        else (( hi * 100 > lo * 110 )) || break; rate=$(( (lo + hi) / 2 ))
        fi
    done
    echo "$best"
}

# cpu_ticks PID: utime + stime of PID in clock ticks (fields 14 and 15 of /proc/PID/stat, after the command name).
cpu_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return 0; }
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}

# status_mb PID FIELD: VmRSS or VmHWM of PID in MB.
status_mb() {
    awk -v f="$2:" '$1 == f { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo nan
}

# cpu_per_packet ROLES...: offers CPU_RATE packets/s of 64 B for CPU_TIME s and prints "role ms-per-packet" for each role
# (its pid in role_pid), dividing the CPU time each used over the run by the datagrams sent.
cpu_per_packet() {
    local role sent got
    declare -A before
    for role in "$@"; do before[$role]=$(cpu_ticks "${role_pid[$role]}"); done
    read -r sent got < <(udp_run 64 "$CPU_RATE" "$CPU_TIME")
    drain
    for role in "$@"; do
        awk -v t0="${before[$role]}" -v t1="$(cpu_ticks "${role_pid[$role]}")" -v hz="$CLK_TCK" -v n="$sent" -v r="$role" \
            'BEGIN { if (n > 0) printf "%s %.4f\n", r, (t1 - t0) * 1000 / hz / n; else printf "%s nan\n", r }'
    done
    printf '    CPU run: %d datagrams of 64 B sent at %d pkt/s, %d received\n' "$sent" "$CPU_RATE" "$got" >&2
}

# binaries AOT BUILD: sets AGENT and CEILING to the agent and the ceiling chain, built (Release) or published with
# Native AOT first unless BUILD is 0. Uses ROOT and die.
binaries() {
    local aot=$1 build=$2 project
    AGENT=$ROOT/src/Agent.Cli/bin/Release/net10.0/agent
    CEILING=$ROOT/bench/Ceiling/bin/Release/net10.0/ceiling
    if (( aot )); then
        AGENT=$ROOT/bench/results/aot/agent CEILING=$ROOT/bench/results/aot/ceiling
        if (( build )); then
            printf '%s\n' "publishing the agent and the ceiling chain with Native AOT" >&2
            for project in src/Agent.Cli bench/Ceiling; do
                dotnet publish "$ROOT/$project" -c Release -r linux-x64 -p:PublishAot=true -o "$ROOT/bench/results/aot" -nologo -v quiet \
                    >/dev/null || die "dotnet publish $project (Native AOT) failed"
            done
        fi
    elif (( build )); then
        printf '%s\n' "building the agent and the ceiling chain (Release)" >&2
        for project in src/Agent.Cli bench/Ceiling; do
            dotnet build "$ROOT/$project" -c Release -nologo -v quiet >/dev/null || die "dotnet build $project failed"
        done
    fi
    [[ -x $AGENT && -x $CEILING ]] || die "no $AGENT or $CEILING; build with: dotnet build Agent.sln -c Release"
}

# broker_port NAME: sets NODE and PORT to a private broker's node name and a free AMQP port in 23000-23999 (its
# distribution port, 1000 above, free too). Uses die.
broker_port() {
    local attempt candidate
    NODE="" PORT=""
    for attempt in $(seq 0 49); do
        candidate=$(( 23000 + ($$ + attempt) % 1000 ))
        if [[ ! -e /tmp/agent-broker-$1-$$-$attempt ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null \
            && ! (exec 3<>"/dev/tcp/127.0.0.1/$(( candidate + 1000 ))") 2>/dev/null; then
            NODE=$1-$$-$attempt PORT=$candidate
            return 0
        fi
    done
    die "no free port for the broker in 23000-23999"
}

# The broker shares two cores with the busy processes of the chains: its schedulers must not spin while they wait for
# work (RabbitMQ's advice for a host whose CPUs it shares).
QUIET_BROKER_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none"
