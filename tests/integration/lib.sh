# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every integration test: builds two namespaces joined by a veth pair of our own and tears them down on exit.
#
# Usage in a test:
#   . "$(dirname "$0")/lib.sh"
#   nr_require tcpdump tshark capinfos
#   nr_setup [--mtu N] [--vlan VID]
#   ... in_a / in_b / start_bg / wait_for_file / fail / pass ...
#
# After nr_setup these are set (names are random per run, so parallel runs
# and leftovers from a crashed run never collide):
#   NR_NS_A NR_NS_B         namespaces (sender side A, receiver side B)
#   NR_IF_A NR_IF_B         the veth ends, NR_IF_A in NR_NS_A, NR_IF_B in NR_NS_B
#   NR_MAC_A NR_MAC_B       their MAC addresses (fixed, so frames are reproducible)
#   NR_NET                  the random /24, e.g. 10.77.143 (no trailing dot)
#   NR_IP_A NR_IP_B         NR_NET.1 and NR_NET.2
#   NR_VLAN_IF_A/B, NR_VLAN_IP_A/B  when --vlan was given
#   NR_TMP                  a private temporary directory, removed on exit
#   NETRING                 the binary under test
#   NR_SEND                 command prefix for the frame sender (python3 send_frames.py)
#
# Nothing here touches an interface the test did not create: both veth ends
# are created directly inside our namespaces and never exist in the root one.

set -u
set -o pipefail

NR_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NR_TEST_NAME=$(basename "$0" .sh)
: "${NETRING:=$NR_LIB_DIR/../../build/src/cli/netring}"
NR_SEND=(python3 "$NR_LIB_DIR/send_frames.py")

NR_BG_PIDS=()
NR_MOUNTS=()
NR_NS_A='' NR_NS_B=''
NR_TMP=''
NR_DONE=0

nr_log() { printf '[%s] %s\n' "$NR_TEST_NAME" "$*" >&2; }

# has GREP-ARGS...: grep -q that reads all of its input. With pipefail,
# `producer | grep -q` fails when grep exits at the first match while the
# producer (bpftool, ip, capinfos) still writes: SIGPIPE.
has() { grep "$@" >/dev/null; }

# Skip (77) with the reason; meson reports it as SKIP, not as a pass.
skip() { nr_log "SKIP: $*"; exit 77; }

fail() {
    nr_log "FAIL: $*"
    exit 1
}

# soft_fail MSG: records a failure and goes on, so one run reports every
# difference; the test ends with `[ "$failures" = 0 ] || fail ...`.
failures=0
soft_fail() {
    nr_log "FAIL: $*"
    failures=$((failures + 1))
}

# run_nr LABEL CMD...: runs CMD (in NR_NS_B) to completion, at most 20 s;
# sets RC, ERR (stderr text) and ERR_LINES (non-empty stderr lines).
run_nr() {
    local label=$1
    shift
    RUN_LABEL=$label
    start_bg --out "$NR_TMP/$label.out" --err "$NR_TMP/$label.err" in_b "$@"
    wait_bg "$BG_PID" 20
    RC=$BG_RC
    ERR=$(cat "$NR_TMP/$label.err")
    ERR_LINES=$(grep -c . "$NR_TMP/$label.err")
}

# expect_error LABEL WANT_RC REGEX...: after run_nr LABEL, exactly one stderr
# line matching every REGEX (case-insensitive, extended), nothing on stdout,
# and exit status WANT_RC ("nonzero" for any but 0).
expect_error() {
    local label=$1 want=$2 re ok=1
    shift 2
    if [ "$want" = nonzero ]; then
        [ "$RC" != 0 ] || { soft_fail "$label: exit 0, want an error status"; ok=0; }
    else
        [ "$RC" = "$want" ] || { soft_fail "$label: exit $RC, want $want"; ok=0; }
    fi
    [ "$ERR_LINES" = 1 ] || { soft_fail "$label: $ERR_LINES lines on stderr, want one:"; sed 's/^/    | /' <<<"$ERR" >&2; ok=0; }
    for re in "$@"; do
        grep -qiE -- "$re" <<<"$ERR" || { soft_fail "$label: stderr does not match /$re/: $ERR"; ok=0; }
    done
    [ -s "$NR_TMP/$RUN_LABEL.out" ] && { soft_fail "$label: wrote to stdout: $(head -c 200 "$NR_TMP/$RUN_LABEL.out")"; ok=0; }
    [ "$ok" = 1 ] && nr_log "$label: exit $RC: $(head -n 1 <<<"$ERR")"
}

pass() {
    NR_DONE=1
    nr_log "PASS"
    exit 0
}

# check COND-DESCRIPTION CMD...: runs CMD, fails the test with the description if it fails.
check() {
    local what=$1
    shift
    "$@" || fail "$what"
}

nr_require_root() {
    [ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, AF_PACKET); running as uid $(id -u)"
}

# nr_require TOOL...: skip naming every missing tool at once.
nr_require() {
    local missing=() t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} -eq 0 ] || skip "missing tools: ${missing[*]}"
}

# nr_install_tools TOOL:PACKAGE...: installs with apt-get the Debian package
# of each TOOL not on PATH (the packaging tests bring their own build tools).
# Returns 1, saying why, when some are missing and cannot be installed.
nr_install_tools() {
    local want=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || want+=("${pair#*:}")
    done
    [ ${#want[@]} -gt 0 ] || return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        nr_log "missing ${want[*]}, and not root with apt-get to install them"
        return 1
    fi
    nr_log "installing ${want[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null ||
        { nr_log "apt-get install ${want[*]} failed"; return 1; }
}

# A missing binary or subcommand is a failure, not a skip: it is what we test.
# Once set up, the test runs its own copy, so a rebuild in the shared tree
# halfway through cannot swap the binary under a running test.
nr_require_netring() {
    [ -x "$NETRING" ] || fail "netring binary not found or not executable: $NETRING (build with ninja -C build)"
    if [ -n "$NR_TMP" ] && [ -d "$NR_TMP" ]; then
        cp "$NETRING" "$NR_TMP/netring" || fail "cannot copy $NETRING"
        nr_log "testing $NETRING ($(sha256sum "$NR_TMP/netring" | cut -c1-12))"
        NETRING="$NR_TMP/netring"
    fi
    "$NETRING" capture --help >/dev/null 2>&1 ||
        fail "'$NETRING capture --help' failed: netring has no working capture subcommand"
}

nr_cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    local pid
    # Our own background processes first (politely, then firmly).
    for pid in "${NR_BG_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${NR_BG_PIDS[@]}"; do
        nr_wait_gone "$pid" 20 || kill -KILL "$pid" 2>/dev/null
    done
    # Anything still running inside our namespaces is ours too (pipelines,
    # children of in_a/in_b); the namespaces cannot go while it lives.
    local ns
    for ns in "$NR_NS_A" "$NR_NS_B"; do
        [ -n "$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null
        done
    done
    local m
    for m in "${NR_MOUNTS[@]}"; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
    done
    # Deleting a namespace deletes the veth end inside it, and with it the peer.
    for ns in "$NR_NS_A" "$NR_NS_B"; do
        [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
    done
    if [ -n "$NR_TMP" ] && [ -d "$NR_TMP" ]; then
        if [ "${NR_KEEP_TMP:-0}" = 1 ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "${NR_KEEP_TMP_ON_FAIL:-0}" = 1 ]; }; then
            nr_log "kept temporary files in $NR_TMP"
        else
            rm -rf "$NR_TMP"
        fi
    fi
    exit "$rc"
}

# Signals must also run the cleanup (meson's timeout sends SIGTERM).
trap nr_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# nr_wait_gone PID TENTHS: true once PID has exited, false after TENTHS/10 s.
nr_wait_gone() {
    local pid=$1 n=${2:-50}
    while [ "$n" -gt 0 ]; do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
        n=$((n - 1))
    done
    ! kill -0 "$pid" 2>/dev/null
}

in_a() { ip netns exec "$NR_NS_A" "$@"; }
in_b() { ip netns exec "$NR_NS_B" "$@"; }

# start_bg [--out FILE] [--err FILE] [--in FILE] CMD...: runs CMD in the
# background and records its pid in BG_PID. A leading in_a/in_b is expanded
# to `ip netns exec NS`, which execs, so BG_PID is the pid of CMD itself
# (signals sent to it reach netring/tcpdump, not a wrapper shell).
start_bg() {
    local out=/dev/null err=/dev/null in=/dev/null
    while [ $# -gt 0 ]; do
        case $1 in
            --out) out=$2; shift 2 ;;
            --err) err=$2; shift 2 ;;
            --in) in=$2; shift 2 ;;
            *) break ;;
        esac
    done
    local cmd=("$@")
    case $1 in
        in_a) cmd=(ip netns exec "$NR_NS_A" "${@:2}") ;;
        in_b) cmd=(ip netns exec "$NR_NS_B" "${@:2}") ;;
    esac
    "${cmd[@]}" <"$in" >"$out" 2>"$err" &
    BG_PID=$!
    NR_BG_PIDS+=("$BG_PID")
}

# wait_bg PID [SECONDS]: waits for a start_bg process; sets BG_RC to its exit
# status. Fails the test if it is still running after SECONDS (default 20).
wait_bg() {
    local pid=$1 secs=${2:-20}
    if ! nr_wait_gone "$pid" $((secs * 10)); then
        fail "process $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)) still running after ${secs}s"
    fi
    BG_RC=0
    wait "$pid" || BG_RC=$?
}

# wait_for_file FILE [SECONDS] [MIN_BYTES]: true once FILE exists with at least MIN_BYTES.
wait_for_file() {
    local f=$1 secs=${2:-10} min=${3:-1} n
    n=$((secs * 10))
    while [ "$n" -gt 0 ]; do
        if [ -e "$f" ] && [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -ge "$min" ]; then
            return 0
        fi
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# nr_descendants PID: PID and all its descendants, space-separated.
nr_descendants() {
    local p
    printf '%s ' "$1"
    for p in $(pgrep -P "$1" 2>/dev/null); do
        nr_descendants "$p"
    done
}

# packet_socket_info PID NS: ss's view of the packet sockets in NS held by
# PID or its descendants (ring version and geometry, attached BPF filter).
packet_socket_info() {
    local pid=$1 ns=$2 pids
    pids=$(nr_descendants "$pid")
    ip netns exec "$ns" ss -0 -b -p -e -n 2>/dev/null | awk -v pids="$pids" '
        BEGIN { n = split(pids, p, " ") }
        /^p_/ { keep = 0; for (i = 1; i <= n; i++) if (index($0, "pid=" p[i] ",")) keep = 1 }
        keep { print }'
}

# wait_capture_ready PID NS IFACE [--filter] [SECONDS]: true once process PID
# holds a packet socket bound to IFACE (and, with --filter, one with a BPF
# program attached). From then on it sees every frame sent, so tests need no
# sleep-and-hope before sending.
wait_capture_ready() {
    local pid=$1 ns=$2 ifc=$3 want_filter=0 secs=10 n info
    shift 3
    while [ $# -gt 0 ]; do
        case $1 in
            --filter) want_filter=1 ;;
            *) secs=$1 ;;
        esac
        shift
    done
    n=$((secs * 10))
    while [ "$n" -gt 0 ]; do
        kill -0 "$pid" 2>/dev/null || return 1
        info=$(packet_socket_info "$pid" "$ns")
        if printf '%s\n' "$info" | has "^p_[a-z]*.*\*:$ifc[[:space:]]"; then
            if [ "$want_filter" = 0 ] || printf '%s\n' "$info" | has 'bpf filter'; then
                return 0
            fi
        fi
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# start_capture NAME CMD...: runs a capturer in NR_NS_B (stdout to
# $NR_TMP/NAME.out, stderr to $NR_TMP/NAME.err) and waits until it is bound to
# NR_IF_B (NR_CAPTURE_FILTER=1: and has its filter attached). Sets CAP_PID.
start_capture() {
    local name=$1
    shift
    start_bg --out "$NR_TMP/$name.out" --err "$NR_TMP/$name.err" in_b "$@"
    CAP_PID=$BG_PID
    local opt=()
    [ "${NR_CAPTURE_FILTER:-0}" = 1 ] && opt=(--filter)
    if ! wait_capture_ready "$CAP_PID" "$NR_NS_B" "$NR_IF_B" "${opt[@]}"; then
        if kill -0 "$CAP_PID" 2>/dev/null; then
            nr_log "$name is running but not capturing; its packet sockets:"
            packet_socket_info "$CAP_PID" "$NR_NS_B" | sed 's/^/    /' >&2
        else
            wait "$CAP_PID"
            nr_log "$name exited with status $?"
        fi
        nr_log "$name stderr:"
        sed 's/^/    /' "$NR_TMP/$name.err" >&2
        fail "$name ($*) did not start capturing on $NR_IF_B${opt:+ with a filter attached}"
    fi
}

# wait_line FILE REGEX [SECONDS]: true once FILE has a line matching REGEX.
wait_line() {
    local f=$1 re=$2 n=$((${3:-10} * 10))
    while [ "$n" -gt 0 ]; do
        grep -qE -- "$re" "$f" 2>/dev/null && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# stop_capture PID [SIGNAL]: signals a capturer and waits for it; BG_RC is its status.
stop_capture() {
    kill "-${2:-INT}" "$1" 2>/dev/null
    wait_bg "$1" 20
}

# wait_frames FILE N [SECONDS]: waits until FILE (written packet-buffered,
# e.g. tcpdump -U) holds at least N frames; prints the count it reached.
wait_frames() {
    local f=$1 want=$2 secs=${3:-15} n got=0
    n=$((secs * 5))
    while [ "$n" -gt 0 ]; do
        got=$(tcpdump -r "$f" -nn -q 2>/dev/null | wc -l)
        [ "$got" -ge "$want" ] && break
        sleep 0.2
        n=$((n - 1))
    done
    printf '%s\n' "$got"
    [ "$got" -ge "$want" ]
}

# nr_mount_tmpfs DIR SIZE: a small tmpfs of our own (unmounted on exit).
nr_mount_tmpfs() {
    mkdir -p "$1"
    mount -t tmpfs -o size="$2",mode=1777 "nr-it-$NR_TEST_NAME" "$1" || fail "cannot mount tmpfs on $1"
    NR_MOUNTS+=("$1")
}

nr_new_id() {
    local id
    while :; do
        id=$(printf '%04x%02x' $RANDOM $((RANDOM % 256)))
        ip netns list 2>/dev/null | has "^nr${id}" || break
    done
    printf '%s' "$id"
}

# nr_setup [--mtu N] [--vlan VID] [--queues N]: the two namespaces and the
# veth pair (with N TX and RX queues on each end).
nr_setup() {
    local mtu=${NR_MTU:-1500} vlan=${NR_VLAN:-} queues=1
    while [ $# -gt 0 ]; do
        case $1 in
            --mtu) mtu=$2; shift 2 ;;
            --queues) queues=$2; shift 2 ;;
            --vlan) vlan=$2; shift 2 ;;
            *) fail "nr_setup: unknown option $1" ;;
        esac
    done
    nr_require_root
    nr_require ip python3
    NR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nr-it-$NR_TEST_NAME.XXXXXX") || fail "mktemp failed"
    chmod 755 "$NR_TMP"

    local id
    id=$(nr_new_id)
    NR_NS_A="nr${id}a"
    NR_NS_B="nr${id}b"
    NR_IF_A="nr${id}a"   # 9 characters: room for a .VID suffix under IFNAMSIZ
    NR_IF_B="nr${id}b"
    NR_MAC_A=02:77:00:00:00:0a
    NR_MAC_B=02:77:00:00:00:0b
    NR_NET="10.77.$((RANDOM % 256))"
    NR_IP_A="$NR_NET.1"
    NR_IP_B="$NR_NET.2"

    ip netns add "$NR_NS_A" || fail "ip netns add $NR_NS_A failed"
    ip netns add "$NR_NS_B" || fail "ip netns add $NR_NS_B failed"
    local ns
    for ns in "$NR_NS_A" "$NR_NS_B"; do
        # No IPv6 on our links: router solicitations, MLD reports and DAD
        # would otherwise add frames nobody sent and break exact counts.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
        ip -n "$ns" link set lo up
    done
    local q=(numtxqueues "$queues" numrxqueues "$queues")
    ip link add "$NR_IF_A" netns "$NR_NS_A" address "$NR_MAC_A" mtu "$mtu" "${q[@]}" type veth \
        peer name "$NR_IF_B" netns "$NR_NS_B" address "$NR_MAC_B" mtu "$mtu" "${q[@]}" ||
        fail "creating veth pair $NR_IF_A/$NR_IF_B failed"
    ip -n "$NR_NS_A" addr add "$NR_IP_A/24" dev "$NR_IF_A"
    ip -n "$NR_NS_B" addr add "$NR_IP_B/24" dev "$NR_IF_B"
    ip -n "$NR_NS_A" neigh replace "$NR_IP_B" lladdr "$NR_MAC_B" dev "$NR_IF_A" nud permanent
    ip -n "$NR_NS_B" neigh replace "$NR_IP_A" lladdr "$NR_MAC_A" dev "$NR_IF_B" nud permanent
    ip -n "$NR_NS_A" link set "$NR_IF_A" up
    ip -n "$NR_NS_B" link set "$NR_IF_B" up

    NR_VLAN_IF_A='' NR_VLAN_IF_B='' NR_VLAN_IP_A='' NR_VLAN_IP_B=''
    if [ -n "$vlan" ]; then
        local vnet="10.77.$(((${NR_NET##*.} + 1) % 256))"
        NR_VLAN_IF_A="$NR_IF_A.$vlan"
        NR_VLAN_IF_B="$NR_IF_B.$vlan"
        NR_VLAN_IP_A="$vnet.1"
        NR_VLAN_IP_B="$vnet.2"
        # Raw tagged frames need no kernel VLAN support; a VLAN device does.
        ip -n "$NR_NS_A" link add link "$NR_IF_A" name "$NR_VLAN_IF_A" type vlan id "$vlan" 2>/dev/null ||
            skip "cannot create VLAN device $NR_VLAN_IF_A (kernel without CONFIG_VLAN_8021Q?)"
        ip -n "$NR_NS_B" link add link "$NR_IF_B" name "$NR_VLAN_IF_B" type vlan id "$vlan" || fail "vlan $vlan on $NR_IF_B failed"
        ip -n "$NR_NS_A" addr add "$NR_VLAN_IP_A/24" dev "$NR_VLAN_IF_A"
        ip -n "$NR_NS_B" addr add "$NR_VLAN_IP_B/24" dev "$NR_VLAN_IF_B"
        ip -n "$NR_NS_A" neigh replace "$NR_VLAN_IP_B" lladdr "$NR_MAC_B" dev "$NR_VLAN_IF_A" nud permanent
        ip -n "$NR_NS_B" neigh replace "$NR_VLAN_IP_A" lladdr "$NR_MAC_A" dev "$NR_VLAN_IF_B" nud permanent
        ip -n "$NR_NS_A" link set "$NR_VLAN_IF_A" up
        ip -n "$NR_NS_B" link set "$NR_VLAN_IF_B" up
    fi
    # Links are up once the peer is: wait for carrier rather than guessing.
    local n=50
    until in_b cat "/sys/class/net/$NR_IF_B/carrier" 2>/dev/null | has -x 1; do
        n=$((n - 1))
        [ $n -gt 0 ] || fail "$NR_IF_B has no carrier"
        sleep 0.1
    done
    nr_log "namespaces $NR_NS_A/$NR_NS_B, veth $NR_IF_A($NR_IP_A) <-> $NR_IF_B($NR_IP_B), mtu $mtu${vlan:+, vlan $vlan}, $queues queue(s)"
}

# replay_frames OUT COUNT LEN GAP_US: a pcap of COUNT frames of LEN bytes
# from A's MAC to B's (EtherType 0x88b5, a 4-byte sequence number), stamped
# GAP_US microseconds apart: input for netring replay.
replay_frames() {
    python3 - "$@" "$NR_MAC_A" "$NR_MAC_B" <<'PY' || fail "cannot write $1"
import struct, sys
out, count, length, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
src, dst = (bytes.fromhex(m.replace(":", "")) for m in sys.argv[5:7])
recs = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for i in range(count):
    frame = dst + src + b"\x88\xb5" + i.to_bytes(4, "big") + bytes(length - 18)
    sec, usec = divmod(i * gap, 1_000_000)
    recs.append(struct.pack("<IIII", 1_700_000_000 + sec, usec, len(frame), len(frame)) + frame)
open(out, "wb").write(b"".join(recs))
PY
}

# send_mix ARGS...: the frame sender from NR_NS_A out of NR_IF_A toward NR_MAC_B.
send_mix() {
    in_a "${NR_SEND[@]}" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --net "$NR_NET" "$@"
}

# --- reading captures through real peers (libpcap via tcpdump, wireshark via tshark) ---

# pcap_count FILE: number of frames as Wireshark's reader counts them, up to
# the first damage in the file. capinfos, not tshark: the same reader without
# loading every dissector, 12 ms a call where tshark takes half a second.
pcap_count() {
    local n
    n=$(capinfos -c -M -T -r "$1" 2>/dev/null | awk -F'\t' 'NR == 1 { print $2 }')
    printf '%s\n' "${n:-0}"
}

# tcpdump_dump FILE [FILTER...]: one block per frame: lengths line plus hex
# bytes, through libpcap. Timestamps are printed separately (tcpdump_times).
tcpdump_dump() {
    local f=$1
    shift
    tcpdump -r "$f" -nn -t -e -xx "$@" 2>/dev/null
}

# tcpdump_frames FILE [ARGS]: tcpdump_dump with each frame on one line (its
# header line and hex lines joined), so that sorting compares whole frames:
# sorted lines would pass two frames whose pieces were swapped.
tcpdump_frames() {
    tcpdump_dump "$@" | awk '/^[^ \t]/ { if (f != "") print f; f = $0; next } { f = f " " $0 } END { if (f != "") print f }'
}

# tcpdump_times FILE: epoch timestamps with nanoseconds, one per frame.
tcpdump_times() {
    tcpdump -r "$1" -nn --time-stamp-precision=nano -tt -q 2>/dev/null | awk '{ print $1 }'
}

# tshark_lens FILE [TSHARK_ARGS...]: "frame.len cap_len" per frame (-Y FILTER to pick some).
tshark_lens() {
    tshark -r "$1" "${@:2}" -T fields -e frame.len -e frame.cap_len 2>/dev/null
}

# reception_mismatches FILE: the frames of a capture on NR_IF_B whose
# epb_flags reception type (bits 2-4) does not follow their destination MAC
# (1 unicast to us, 2 multicast, 3 broadcast, 4 promiscuous: not ours), as
# "MAC got X want Y; ... N frames wrong"; empty when all are right. A file
# tshark cannot read, or one without frames, is wrong too.
reception_mismatches() {
    local rows
    rows=$(tshark -r "$1" -T fields -e eth.dst -e frame.packet_flags_reception_type 2>/dev/null) ||
        { echo "tshark cannot read $1"; return; }
    [ -n "$rows" ] || { echo "no frames in $1"; return; }
    awk -v me="$NR_MAC_B" '{
        want = ($1 == "ff:ff:ff:ff:ff:ff") ? 3 : (substr($1, 2, 1) ~ /[13579bdf]/) ? 2 : ($1 == me) ? 1 : 4
        if ($2 != want) { n++; if (n <= 3) printf "%s got %s want %d; ", $1, $2, want }
    } END { if (n) printf "%d frames wrong", n }' <<<"$rows"
}

# tshark_clean FILE: tshark, capinfos and tcpdump read FILE to the end
# without any error or warning (a cut-short file, a bad block, ...).
tshark_clean() {
    local f=$1 err rc
    rc=0
    tshark -r "$f" -q >/dev/null 2>"$NR_TMP/.tshark.err" || rc=$?
    # tshark's "Running as user root" notice is about us, not about the file.
    err=$(grep -v '^Running as user "root"' "$NR_TMP/.tshark.err")
    if [ "$rc" != 0 ] || [ -n "$err" ]; then
        nr_log "tshark -r $f: exit $rc: $err"
        return 1
    fi
    rc=0
    err=$(capinfos "$f" 2>&1 >/dev/null) || rc=$?
    if [ "$rc" != 0 ] || [ -n "$err" ]; then
        nr_log "capinfos $f: exit $rc: $err"
        return 1
    fi
    rc=0
    tcpdump -r "$f" -nn >/dev/null 2>"$NR_TMP/.tcpdump.err" || rc=$?
    err=$(grep -v '^reading from file' "$NR_TMP/.tcpdump.err")
    if [ "$rc" != 0 ] || [ -n "$err" ]; then
        nr_log "tcpdump -r $f: exit $rc: $err"
        return 1
    fi
    return 0
}

# show_diff A B LABEL_A LABEL_B: prints a short unified diff of two files.
show_diff() {
    diff -u --label "$3" --label "$4" "$1" "$2" | head -n "${NR_DIFF_LINES:-60}" >&2
}

# stats_line FILE: the last netring summary line in a stderr capture.
stats_line() {
    grep -E '^[0-9]+ packets captured, [0-9]+ received by filter, [0-9]+ dropped by kernel, [0-9]+ dropped by interface$' "$1" | tail -n 1
}

# stats_captured FILE: N from "N packets captured"; without that line it
# shows the stderr it got and returns 1 (callers: n=$(stats_captured f) || ...).
stats_captured() {
    local line
    line=$(stats_line "$1")
    if [ -z "$line" ]; then
        nr_log "no 'N packets captured, ...' line; stderr was:"
        sed 's/^/    /' "$1" | head -n 20 >&2
        return 1
    fi
    printf '%s\n' "${line%% *}"
}
