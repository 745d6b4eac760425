# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the benchmarks: logging, the exact per-process CPU meter, and their namespaces and veth pair.
log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}
skip() {
    log "SKIP: $*"
    exit 77
}

# python3 "$RUSAGE" PIDFILE RUFILE ARGV...: see rusage.py.
RUSAGE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rusage.py

# cpu_ns PID: CPU nanoseconds used so far by PID (all its threads), from
# schedstat: read around a flood, the cost while frames flow, without
# start-up (ring set-up, filter) and exit.
cpu_ns() {
    local t sum=0 v
    for t in /proc/"$1"/task/*/schedstat; do
        read -r v _ <"$t" 2>/dev/null || continue
        sum=$((sum + v))
    done
    printf '%s\n' "$sum"
}

# --- two namespaces joined by a veth pair, all of it gone on exit ---
#
# bench_link PREFIX [QUEUES]: creates namespaces NS_TX and NS_RX (random
# names PREFIX<hex>t/r), the veth pair IF_TX/IF_RX between them with QUEUES
# TX and RX queues on each end (default 1), addresses IP_TX/IP_RX in a random
# 10.77.x.0/24 (NET), and a private directory TMP; waits for carrier. Also
# sets MAC_NOBODY/IP_NOBODY: frames to a MAC nobody has are dropped by the
# receiving stack at the first check, so it neither answers nor slows the
# sender, and every capturer still sees them in promiscuous mode.
# On exit, even on failure or a signal: the BENCH_PIDS are sent SIGTERM,
# whatever still runs in the namespaces is killed, bench_on_exit runs if the
# script defines it, and the namespaces (the veth pair with them) and TMP go.
BENCH_PIDS=()
NS_TX='' NS_RX='' TMP=''
bench_cleanup() {
    local rc=$? pid ns
    trap - EXIT INT TERM HUP
    set +e
    for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for ns in "$NS_TX" "$NS_RX"; do
        [ -n "$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    done
    wait 2>/dev/null
    declare -F bench_on_exit >/dev/null && bench_on_exit
    for ns in "$NS_TX" "$NS_RX"; do [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; done
    [ -n "$TMP" ] && rm -rf "$TMP"
    exit "$rc"
}

bench_link() {
    local prefix=$1 queues=${2:-1} id ns n
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    while :; do
        id=$(printf '%04x%02x' $RANDOM $((RANDOM % 256)))
        ip netns list 2>/dev/null | grep -q "^$prefix$id" || break
    done
    NS_TX="$prefix${id}t" NS_RX="$prefix${id}r" IF_TX="$prefix${id}t" IF_RX="$prefix${id}r"
    MAC_TX=02:77:00:00:01:0a MAC_RX=02:77:00:00:01:0b MAC_NOBODY=02:77:00:00:01:0c
    NET="10.77.$((RANDOM % 256))"
    IP_TX="$NET.1" IP_RX="$NET.2" IP_NOBODY="$NET.3"
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/nr-bench.XXXXXX") || die "mktemp failed"
    chmod 755 "$TMP"
    ip netns add "$NS_TX" || die "ip netns add $NS_TX failed"
    ip netns add "$NS_RX" || die "ip netns add $NS_RX failed"
    for ns in "$NS_TX" "$NS_RX"; do
        # No IPv6 and no forwarding: the link carries our frames and nothing else.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv4.ip_forward=0 >/dev/null 2>&1
        ip -n "$ns" link set lo up
    done
    local q=(numtxqueues "$queues" numrxqueues "$queues")
    ip link add "$IF_TX" netns "$NS_TX" address "$MAC_TX" "${q[@]}" type veth \
        peer name "$IF_RX" netns "$NS_RX" address "$MAC_RX" "${q[@]}" ||
        die "creating veth pair $IF_TX/$IF_RX failed"
    ip -n "$NS_TX" addr add "$IP_TX/24" dev "$IF_TX"
    ip -n "$NS_RX" addr add "$IP_RX/24" dev "$IF_RX"
    ip -n "$NS_TX" link set "$IF_TX" up
    ip -n "$NS_RX" link set "$IF_RX" up
    n=50
    until ip netns exec "$NS_RX" cat "/sys/class/net/$IF_RX/carrier" 2>/dev/null | grep -qx 1; do
        n=$((n - 1))
        [ $n -gt 0 ] || die "$IF_RX has no carrier"
        sleep 0.1
    done
}

# True once PID holds a packet socket bound to IF_RX: from then on every
# frame sent reaches it.
capturer_bound() {
    ip netns exec "$NS_RX" ss -0 -n -p 2>/dev/null | grep "pid=$1," | grep -q "\*:$IF_RX[[:space:]]"
}

# True once netring's (or ref_xdp's) AF_XDP socket is in the XSKMAP
# (ERRFILE: its stderr): frames redirected to AF_XDP never reach a packet
# socket, so ss has nothing to show; both log this line once the socket is
# in the map.
xsk_ready() { grep -qE "frames received on th(is queue|ese queues) go to (netring|ref_xdp)" "$1"; }
