#!/usr/bin/env bash
# Runs every test: builds Agent.sln once (Release), starts a private RabbitMQ node for the
# integration tests (stopped again on any exit), runs `dotnet test` on the solution and ends
# with one line `N passed, N failed, N skipped` summed over all test assemblies (from TRX).
# Exits non-zero if the build or `dotnet test` failed, a test failed, or no test ran at all.
#
#   scripts/test.sh                        everything
#   scripts/test.sh --filter Broker        extra arguments go to `dotnet test`
#
# TRX files are kept in TestResults/<time>-<pid>/. Needs root (the node runs as rabbitmq and
# the integration tests create network namespaces and TUN devices).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIGURATION=Release
broker() { bash "$ROOT/scripts/broker.sh" "$@"; }   # bash: works without the x bit

say() { printf 'test.sh: %s\n' "$*" >&2; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

t_start=$SECONDS
cd "$ROOT"

# A node name and AMQP port derived from our pid: 20000-20999, its Erlang distribution port
# 1000 above (broker.sh's default), both below the kernel's ephemeral range and clear of the
# ports a default node uses (5672, 25672, 35672+). BrokerFixture's own nodes use 22000+.
node="" port=""
for attempt in $(seq 0 49); do
    candidate=$(( 20000 + ($$ + attempt) % 1000 ))
    name="agent-test-$$-$attempt"
    if [[ ! -e /tmp/agent-broker-$name ]] && ! port_in_use "$candidate" && ! port_in_use $(( candidate + 1000 )); then
        node=$name port=$candidate
        break
    fi
done
[[ -n $node ]] || { say "no free port for the broker in 20000-20999"; exit 1; }

broker_job="" test_job=""
broker_started=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $test_job ]]; then
        kill "$test_job" 2>/dev/null || true
        wait "$test_job" 2>/dev/null || true
    fi
    if [[ -n $broker_job ]]; then
        wait "$broker_job" 2>/dev/null || true   # never stop a node half-way through its start
        broker_job=""
    fi
    if (( broker_started )); then
        broker_started=0
        broker stop "$node" || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Start the node in the background while the solution builds (both take seconds).
broker_started=1
broker start "$node" "$port" &
broker_job=$!

say "building Agent.sln ($CONFIGURATION)"
t_build=$SECONDS
if ! dotnet build Agent.sln -c "$CONFIGURATION" -nologo -v minimal; then
    say "build failed"
    exit 1
fi
say "build took $(( SECONDS - t_build )) s"

t_wait=$SECONDS
if ! wait "$broker_job"; then
    broker_job=""
    say "the RabbitMQ node did not start"
    exit 1
fi
broker_job=""
say "broker ready (waited $(( SECONDS - t_wait )) s after the build)"

export AGENT_TEST_BROKER_NODE=$node
export AGENT_TEST_BROKER_PORT=$port
export AGENT_TEST_AMQP_URL="amqp://guest:guest@localhost:$port/"

results="$ROOT/TestResults/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$results"
say "running tests (TRX files in $results)"
t_test=$SECONDS
test_rc=0
# In the background so that a TERM or INT reaches our trap at once; the trap ends it.
dotnet test Agent.sln -c "$CONFIGURATION" --no-build --nologo \
    --logger trx --results-directory "$results" "$@" &
test_job=$!
wait "$test_job" || test_rc=$?
test_job=""
say "dotnet test took $(( SECONDS - t_test )) s (exit code $test_rc)"

# Stop the node now so that its messages come before the closing line.
broker_started=0
broker stop "$node" || true

# Sum the <Counters .../> element of every TRX. Skipped tests are "NotExecuted" in TRX:
# they count in total but not in executed.
shopt -s nullglob
trx_files=("$results"/*.trx)
shopt -u nullglob
passed=0 failed=0 skipped=0 trx_bad=0
counter() { # counter ATTRIBUTE <<< "<Counters ... />"
    sed -n "s/.*[[:space:]]$1=\"\\([0-9]*\\)\".*/\\1/p" | head -n 1
}
for trx in "${trx_files[@]}"; do
    line=$(tr '\n\r' '  ' <"$trx" | grep -o '<Counters[^>]*>' | head -n 1 || true)
    if [[ -z $line ]]; then
        say "no <Counters> in $trx"
        trx_bad=1
        continue
    fi
    total=$(counter total <<<"$line"); executed=$(counter executed <<<"$line")
    p=$(counter passed <<<"$line"); f=$(counter failed <<<"$line")
    e=$(counter error <<<"$line"); t=$(counter timeout <<<"$line"); a=$(counter aborted <<<"$line")
    passed=$(( passed + ${p:-0} ))
    failed=$(( failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0} ))
    skipped=$(( skipped + ${total:-0} - ${executed:-0} ))
    say "$(basename "$trx"): total=${total:-?} passed=${p:-?} failed=${f:-?} not-executed=$(( ${total:-0} - ${executed:-0} ))"
done

rc=0
if (( ${#trx_files[@]} == 0 )); then
    say "no TRX file was written: no test assembly ran"
    rc=1
elif (( passed + failed == 0 )); then
    say "no test ran"
    rc=1
fi
(( failed == 0 )) || rc=1
(( test_rc == 0 )) || rc=1
(( trx_bad == 0 )) || rc=1
say "total $(( SECONDS - t_start )) s"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
