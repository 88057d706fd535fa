#!/usr/bin/env bash
# A private RabbitMQ node for tests (STACK.md, "RabbitMQ server").
#
#   scripts/broker.sh start NODE PORT [DIST_PORT] [TLS]   start NODE@localhost on AMQP port PORT
#   scripts/broker.sh stop  NODE                          stop it and remove its directory
#   scripts/broker.sh ctl   NODE ARGS...                  rabbitmqctl -n NODE@localhost ARGS...
#   scripts/broker.sh cluster NAME N PORT                 start NAME-1..NAME-N on ports PORT..PORT+N-1
#                                                         with one cookie and join them into one cluster
#   scripts/broker.sh cluster-stop NAME N                 stop all N nodes and remove their directories
#   scripts/broker.sh revive NODE                         start a killed node again from its directory
#                                                         (a cluster node rejoins its cluster by itself)
#
# TLS (all of the first four together): also listen for amqps:// on a second port.
#   --tls-port PORT --tls-ca FILE --tls-cert FILE --tls-key FILE   PEM files: the CA that signs
#                                   client certificates, the server's certificate and its key
#   --tls-require-client-cert       refuse clients without a certificate signed by that CA
# The files are copied into the node's directory, so the rabbitmq user can read them wherever
# they came from.
#
# Everything lives in /tmp/agent-broker-NODE (owned by the rabbitmq user): data, logs, pid
# file, an empty plugin list, an empty env file and its own Erlang cookie (HOME points there),
# so the node shares nothing with a default node the Debian package may run except epmd.
# The Erlang distribution port defaults to PORT+1000 (keep PORT below 31000 so that both stay
# out of the kernel's ephemeral range). BROKER_ERL_ARGS, if set, is passed to the node's Erlang VM
# (RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS; bench/compare.sh stops its schedulers spinning with it). Progress goes to stderr; `ctl` prints rabbitmqctl's
# stdout unchanged.
set -euo pipefail

RABBITMQ_BIN=${RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}
RUN_USER=${BROKER_RUN_USER:-rabbitmq}

log() { printf 'broker: %s\n' "$*" >&2; }
die() { printf 'broker: error: %s\n' "$*" >&2; exit 1; }

usage() {
    cat >&2 <<'EOF'
usage: scripts/broker.sh start NODE PORT [DIST_PORT] [--tls-port PORT --tls-ca FILE --tls-cert FILE --tls-key FILE [--tls-require-client-cert]]
       scripts/broker.sh stop NODE
       scripts/broker.sh ctl NODE ARGS...
       scripts/broker.sh cluster NAME N PORT
       scripts/broker.sh cluster-stop NAME N
       scripts/broker.sh revive NODE
EOF
    exit 2
}

check_node_name() {
    [[ $1 =~ ^[A-Za-z0-9_-]+$ ]] || die "node name '$1' may contain only letters, digits, '-' and '_'"
}

check_port() {
    [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )) || die "'$1' is not a TCP port"
}

node_dir() { printf '/tmp/agent-broker-%s' "$1"; }

new_cookie() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# True when something accepts TCP connections on 127.0.0.1:PORT (no ss/netstat needed).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs a RabbitMQ script from $RABBITMQ_BIN as the rabbitmq user with the node's environment.
# The Debian wrappers in /usr/sbin switch user through `su` with HOME=/var/lib/rabbitmq; we call
# the real scripts ourselves so that HOME (hence the cookie) and the env file are the node's own.
run_rabbit() {
    local node=$1 script=$2; shift 2
    local dir; dir=$(node_dir "$node")
    [[ -f $dir/env ]] || die "node '$node' is not running here (no $dir/env); start it with: scripts/broker.sh start $node PORT"
    local -a envs=()
    local line
    while IFS= read -r line; do [[ -n $line ]] && envs+=("$line"); done <"$dir/env"
    local -a cmd=(env -i "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "LANG=C.UTF-8" "LC_ALL=C.UTF-8"
                  "HOME=$dir" "${envs[@]}" "$RABBITMQ_BIN/$script" "$@")
    if [[ $(id -un) == "$RUN_USER" ]]; then
        (cd "$dir" && "${cmd[@]}")
    elif [[ $(id -u) == 0 ]]; then
        (cd "$dir" && runuser -u "$RUN_USER" -- "${cmd[@]}")
    else
        die "run as root (or as the $RUN_USER user): the node runs as $RUN_USER"
    fi
}

ctl() {
    local node=$1; shift
    run_rabbit "$node" rabbitmqctl -n "$node@localhost" "$@"
}

cmd_start() {
    local -a positional=()
    local tls_port="" tls_ca="" tls_cert="" tls_key="" tls_require=0
    while (( $# > 0 )); do
        case $1 in
            --tls-port|--tls-ca|--tls-cert|--tls-key)
                (( $# >= 2 )) || die "$1 needs a value"
                case $1 in
                    --tls-port) tls_port=$2 ;; --tls-ca) tls_ca=$2 ;;
                    --tls-cert) tls_cert=$2 ;; --tls-key) tls_key=$2 ;;
                esac
                shift 2 ;;
            --tls-require-client-cert) tls_require=1; shift ;;
            -*) die "unknown option $1" ;;
            *) positional+=("$1"); shift ;;
        esac
    done
    set -- "${positional[@]}"
    (( $# == 2 || $# == 3 )) || usage
    local node=$1 port=$2
    check_node_name "$node"; check_port "$port"
    local dist=${3:-$(( port + 1000 ))}
    check_port "$dist"
    if [[ -n $tls_port$tls_ca$tls_cert$tls_key ]] || (( tls_require )); then
        [[ -n $tls_port && -n $tls_ca && -n $tls_cert && -n $tls_key ]] \
            || die "TLS needs all of --tls-port, --tls-ca, --tls-cert and --tls-key"
        check_port "$tls_port"
        local f
        for f in "$tls_ca" "$tls_cert" "$tls_key"; do [[ -r $f ]] || die "cannot read $f"; done
    fi
    [[ -x $RABBITMQ_BIN/rabbitmq-server ]] || die "$RABBITMQ_BIN/rabbitmq-server not found; install it: apt-get install rabbitmq-server"
    id -u "$RUN_USER" >/dev/null 2>&1 || die "user '$RUN_USER' does not exist; install rabbitmq-server"
    [[ $(id -u) == 0 || $(id -un) == "$RUN_USER" ]] || die "run as root (or as the $RUN_USER user): the node runs as $RUN_USER"
    local dir; dir=$(node_dir "$node")
    [[ ! -e $dir ]] || die "$dir exists: node '$node' is running or was not stopped; run: scripts/broker.sh stop $node"
    ! port_in_use "$port" || die "port $port is already in use"
    ! port_in_use "$dist" || die "distribution port $dist is already in use"
    [[ -z $tls_port ]] || ! port_in_use "$tls_port" || die "TLS port $tls_port is already in use"

    local t0=$SECONDS
    log "starting node $node@localhost on port $port (distribution $dist${tls_port:+, TLS $tls_port}) in $dir"
    mkdir -m 0750 "$dir"
    mkdir "$dir/mnesia" "$dir/log"
    printf '[].\n' >"$dir/enabled_plugins"
    : >"$dir/rabbitmq-env.conf"
    # Low disk limit: a nearly full CI disk must not block publishers with an alarm.
    printf 'loopback_users.guest = true\ndisk_free_limit.absolute = 10MB\n' >"$dir/rabbitmq.conf"
    if [[ -n $tls_port ]]; then
        mkdir "$dir/tls"
        cp -- "$tls_ca" "$dir/tls/ca.pem"
        cp -- "$tls_cert" "$dir/tls/cert.pem"
        (umask 077; cp -- "$tls_key" "$dir/tls/key.pem")
        local verify=verify_none fail=false
        (( tls_require )) && verify=verify_peer fail=true
        cat >>"$dir/rabbitmq.conf" <<EOF
listeners.ssl.default = $tls_port
ssl_options.cacertfile = $dir/tls/ca.pem
ssl_options.certfile = $dir/tls/cert.pem
ssl_options.keyfile = $dir/tls/key.pem
ssl_options.verify = $verify
ssl_options.fail_if_no_peer_cert = $fail
EOF
    fi
    # Our own cookie, written before anything starts, so server and rabbitmqctl agree on it; the
    # nodes of a cluster share one (BROKER_COOKIE, set by `cluster`).
    (umask 077; printf '%s' "${BROKER_COOKIE:-$(new_cookie)}" >"$dir/.erlang.cookie")
    chmod 0400 "$dir/.erlang.cookie"
    cat >"$dir/env" <<EOF
RABBITMQ_NODENAME=$node@localhost
RABBITMQ_NODE_PORT=$port
RABBITMQ_DIST_PORT=$dist
RABBITMQ_MNESIA_BASE=$dir/mnesia
RABBITMQ_LOG_BASE=$dir/log
RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
RABBITMQ_PID_FILE=$dir/pid
EOF
    [[ -n ${BROKER_ERL_ARGS:-} ]] && printf 'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=%s\n' "$BROKER_ERL_ARGS" >>"$dir/env"
    # rabbitmqctl listens on a distribution port of its own, by default one of 35672-35682 shared
    # by every CLI call on the machine (and inside the ephemeral range): busy test runs side by side
    # then wait on each other. Our test ports get three CLI ports each in 26000-31999.
    local cli=-1
    (( port >= 20000 && port < 21000 )) && cli=$(( port - 20000 ))
    (( port >= 22000 && port < 23000 )) && cli=$(( port - 22000 + 1000 ))
    if (( cli >= 0 )); then
        printf 'RABBITMQ_CTL_DIST_PORT_MIN=%d\nRABBITMQ_CTL_DIST_PORT_MAX=%d\n' $(( 26000 + 3 * cli )) $(( 26002 + 3 * cli )) >>"$dir/env"
    fi
    chown -R "$RUN_USER:" "$dir"

    # Detached processes get the log file, never our stdout: a daemon holding the pipe of the
    # caller (e.g. `.ci/run | tee`) would keep it open after we exit.
    if ! run_rabbit "$node" rabbitmq-server -detached >>"$dir/log/startup.log" 2>&1 </dev/null; then
        cat "$dir/log/startup.log" >&2 || true
        die "rabbitmq-server failed to start node $node"
    fi
    # `await_startup` right after -detached fails (node not registered yet); `wait PIDFILE`
    # waits for the pid file and then for the app.
    if ! ctl "$node" wait --timeout 60 "$dir/pid" >>"$dir/log/startup.log" 2>&1 </dev/null; then
        log "node $node did not come up; its logs follow"
        tail -n 50 "$dir/log/startup.log" "$dir"/log/*.log >&2 2>/dev/null || true
        cmd_stop "$node" || true
        die "node $node did not start within 60 s"
    fi
    if [[ -n $tls_port ]]; then
        local tries=0
        until port_in_use "$tls_port"; do
            (( ++tries < 50 )) || { tail -n 50 "$dir"/log/*.log >&2 2>/dev/null || true; die "node $node is up but its TLS port $tls_port is not listening"; }
            sleep 0.2
        done
    fi
    log "node $node@localhost is up on port $port${tls_port:+ (TLS $tls_port)} after $(( SECONDS - t0 )) s"
}

cmd_stop() {
    (( $# == 1 )) || usage
    local node=$1
    check_node_name "$node"
    local dir; dir=$(node_dir "$node")
    if [[ ! -d $dir ]]; then
        log "node $node: nothing to stop ($dir does not exist)"
        return 0
    fi
    log "stopping node $node@localhost"
    local pid=""
    [[ -f $dir/pid ]] && pid=$(tr -dc '0-9' <"$dir/pid")
    if [[ -f $dir/env ]] && ! ctl "$node" stop ${pid:+"$dir/pid"} >/dev/null 2>&1 </dev/null; then
        # rabbitmqctl could not reach it; end the Erlang VM we started, by its pid.
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            log "rabbitmqctl stop failed; killing node process $pid"
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf -- "$dir"
    log "node $node stopped"
}

# Starts NAME-1..NAME-N at once (each with its own directory and ports, distribution 1000 above),
# then joins NAME-2..NAME-N to NAME-1 one at a time (join_cluster wipes the joining node's data:
# nothing must be declared there yet). Any failure stops every node.
cmd_cluster() {
    (( $# == 3 )) || usage
    local name=$1 n=$2 port=$3
    check_node_name "$name"; check_port "$port"
    [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 && n <= 9 )) || die "'$n' is not a node count (1-9)"
    local t0=$SECONDS i p failed=0
    local cookie; cookie=$(new_cookie)
    local -a pids=()
    for (( i = 1; i <= n; i++ )); do
        BROKER_COOKIE=$cookie cmd_start "$name-$i" $(( port + i - 1 )) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    (( ! failed )) || { cmd_cluster_stop "$name" "$n"; die "a node of cluster $name did not start"; }
    for (( i = 2; i <= n; i++ )); do
        { ctl "$name-$i" stop_app && ctl "$name-$i" join_cluster "$name-1@localhost" && ctl "$name-$i" start_app; } \
            >>"$(node_dir "$name-$i")/log/startup.log" 2>&1 </dev/null \
            || { tail -n 20 "$(node_dir "$name-$i")/log/startup.log" >&2; cmd_cluster_stop "$name" "$n"; die "node $name-$i could not join $name-1"; }
    done
    ctl "$name-1" await_online_nodes "$n" --timeout 60 >/dev/null 2>&1 </dev/null \
        || { cmd_cluster_stop "$name" "$n"; die "cluster $name: not all $n nodes are online"; }
    log "cluster $name: $n nodes on ports $port-$(( port + n - 1 )) up and joined after $(( SECONDS - t0 )) s"
}

cmd_cluster_stop() {
    (( $# == 2 )) || usage
    local name=$1 n=$2 i p
    check_node_name "$name"
    [[ $n =~ ^[0-9]+$ ]] || die "'$n' is not a node count"
    local -a pids=()
    for (( i = n; i >= 1; i-- )); do cmd_stop "$name-$i" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || true; done
}

cmd_revive() {
    (( $# == 1 )) || usage
    local node=$1 dir pid=""
    check_node_name "$node"
    dir=$(node_dir "$node")
    [[ -f $dir/env ]] || die "node '$node' was never started here (no $dir/env)"
    [[ -f $dir/pid ]] && pid=$(tr -dc '0-9' <"$dir/pid")
    if [[ -n $pid ]]; then   # a node just killed may take a moment to be gone
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        ! kill -0 "$pid" 2>/dev/null || die "node $node is running (pid $pid)"
    fi
    local t0=$SECONDS
    rm -f -- "$dir/pid"
    run_rabbit "$node" rabbitmq-server -detached >>"$dir/log/startup.log" 2>&1 </dev/null || die "rabbitmq-server failed to start node $node"
    ctl "$node" wait --timeout 60 "$dir/pid" >>"$dir/log/startup.log" 2>&1 </dev/null || die "node $node did not start again within 60 s"
    log "node $node@localhost is up again after $(( SECONDS - t0 )) s"
}

(( $# >= 1 )) || usage
sub=$1; shift
case $sub in
    start) cmd_start "$@" ;;
    stop)  cmd_stop "$@" ;;
    cluster) cmd_cluster "$@" ;;
    cluster-stop) cmd_cluster_stop "$@" ;;
    revive) cmd_revive "$@" ;;
    ctl)
        (( $# >= 1 )) || usage
        check_node_name "$1"
        ctl "$@" </dev/null
        ;;
    *) usage ;;
esac
