#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Transmit benchmark: 60-byte frames into a veth whose peer drops them in XDP; pps at the receiver and CPU per frame.
#
# Usage: sudo tests/bench/tx.sh [--quick] [--help]
# Runs, one after the other on the same link: netring xdp-tx, netring replay
# -t -K (AF_XDP), netring replay --backend packet -t -K, trafgen --cpus 1 and
# tcpreplay -t -K, each for NR_BENCH_SECONDS. The peer veth runs an XDP
# program that drops every frame, so the receiver is never the bottleneck;
# frames are counted there (veth's rx_queue_0_xdp_packets) over the steady
# part of each run (after 1 s, until 0.5 s before the end).
#
# Environment (all optional):
#   NR_BENCH_SECONDS   seconds per tool (default 10; --quick: 3)
#   NR_BENCH_TOOLS     which senders, in order (default "xdp-tx replay-xdp replay-packet trafgen tcpreplay")
#   NR_BENCH_CPU       the CPU every sender is pinned to (default 0: trafgen --cpus 1 pins its worker there
#                      whatever taskset says, so the others go there too)
#   NETRING            the binary (default build/src/cli/netring beside this tree)
#
# CPU per frame is the sender's own CPU time (user + system, its children
# included) over the window, divided by the frames received in it; veth
# runs the receiver's XDP in the sender's softirq, so most of that lands
# there too. "all CPUs" is the busy time of the whole machine in the window
# per frame: it includes anything else running, so read it on a quiet box.

set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${NETRING:=$HERE/../../build/src/cli/netring}"

SECONDS_PER_TOOL=${NR_BENCH_SECONDS:-10}
for arg in "$@"; do
    case $arg in
        --quick) SECONDS_PER_TOOL=${NR_BENCH_SECONDS:-3} ;;
        -h | --help)
            sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "tx.sh: unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done
TOOLS=${NR_BENCH_TOOLS:-xdp-tx replay-xdp replay-packet trafgen tcpreplay}
CPU=${NR_BENCH_CPU:-0}

. "$(dirname "$0")/lib.sh"

[[ $SECONDS_PER_TOOL =~ ^[0-9]+$ ]] && [ "$SECONDS_PER_TOOL" -ge 3 ] ||
    die "NR_BENCH_SECONDS must be an integer of at least 3, got '$SECONDS_PER_TOOL'"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, XDP, AF_XDP); running as uid $(id -u)"
missing=()
for t in ip ethtool taskset timeout python3 trafgen tcpreplay; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] || skip "missing tools: ${missing[*]}"
if ! command -v clang >/dev/null 2>&1; then
    # A benchmark, not a test: it may install what it needs to build the
    # XDP drop program.
    log "clang is missing; installing clang and llvm from Debian"
    apt-get install -y clang llvm >/dev/null 2>&1 || skip "clang is needed to build the XDP drop program (apt-get install clang llvm)"
fi
[ -x "$NETRING" ] || die "netring binary not found: $NETRING (build with ninja -C build)"
[ "$CPU" -lt "$(nproc)" ] || die "NR_BENCH_CPU=$CPU: this machine has $(nproc) CPUs"

# --- namespaces and veth pair: ours, and gone on exit (bench_link) ---
bench_link nrb
BG_PID=''

cat >"$TMP/drop.c" <<'EOF'
// Drops every frame: the receiver costs as little as it can.
#define SEC(name) __attribute__((section(name), used))
struct xdp_md { unsigned int data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
SEC("xdp") int drop_all(struct xdp_md *ctx) { (void)ctx; return 1; /* XDP_DROP */ }
char _license[] SEC("license") = "GPL";
EOF
clang -O2 -target bpf -c "$TMP/drop.c" -o "$TMP/drop.o" 2>"$TMP/clang.err" || die "clang: $(head -n 3 "$TMP/clang.err")"
ip -n "$NS_RX" link set dev "$IF_RX" xdpdrv obj "$TMP/drop.o" sec xdp || die "cannot attach the XDP drop program to $IF_RX"

# The same 60-byte UDP frame for everyone (1000 of them in the pcap, 16 flows).
python3 - "$TMP/f60.pcap" "$TMP/trafgen.cfg" "$MAC_TX" "$MAC_RX" <<'PY' || die "cannot write the frames"
import struct, sys
pcap, cfg, src, dst = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3].replace(":", "")), bytes.fromhex(sys.argv[4].replace(":", ""))
def frame(flow):
    ip = bytearray([0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 77, 254, 1, 10, 77, 254, 2])
    s = sum(struct.unpack(">10H", ip)); s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack(">H", ~s & 0xffff)
    return dst + src + b"\x08\x00" + bytes(ip) + struct.pack(">HHHH", 49152 + flow, 9, 26, 0) + bytes(18)
recs = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for i in range(1000):
    f = frame(i % 16)
    recs.append(struct.pack("<IIII", 1_700_000_000, i, len(f), len(f)) + f)
open(pcap, "wb").write(b"".join(recs))
open(cfg, "w").write("{ " + ", ".join(f"0x{b:02x}" for b in frame(0)) + " }\n")
PY

rx_frames() {
    ip netns exec "$NS_RX" ethtool -S "$IF_RX" 2>/dev/null | awk '/rx_queue_0_xdp_packets:/ { print $2 }'
}
# CPU ticks (user + system) of a process and all its descendants.
tree_ticks() {
    local pid=$1 total=0 p
    for p in $(pid_tree "$pid"); do
        [ -r "/proc/$p/stat" ] || continue
        total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")))
    done
    printf '%s\n' "$total"
}
pid_tree() {
    local c
    printf '%s ' "$1"
    for c in $(pgrep -P "$1" 2>/dev/null); do
        pid_tree "$c"
    done
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
now_ns() { date +%s%N; }

HZ=$(getconf CLK_TCK)
D=$SECONDS_PER_TOOL
declare -A PPS CPUNS ALLNS
run_tool() {
    local name=$1
    shift
    log "$name: $*"
    # SIGINT at the end (trafgen, tcpreplay run until stopped); SIGKILL if that fails.
    timeout -s INT -k 5 "$((D + 1))" ip netns exec "$NS_TX" taskset -c "$CPU" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    BG_PID=$!
    sleep 1
    local r1 t1 c1 b1 r2 t2 c2 b2
    r1=$(rx_frames) t1=$(now_ns) c1=$(tree_ticks "$BG_PID") b1=$(busy_ticks)
    sleep "$(python3 -c "print($D - 1.5)")"
    r2=$(rx_frames) t2=$(now_ns) c2=$(tree_ticks "$BG_PID") b2=$(busy_ticks)
    local rc=0
    wait "$BG_PID" || rc=$?
    BG_PID=''
    # 124: stopped by timeout's SIGINT, which is how trafgen and tcpreplay end.
    if [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$rc" != 130 ]; then
        log "$name exited $rc: $(tail -n 3 "$TMP/$name.err")"
    fi
    local frames=$((r2 - r1))
    if [ "$frames" -le 0 ]; then
        log "$name: no frames reached $IF_RX; stderr: $(tail -n 3 "$TMP/$name.err")"
        PPS[$name]=0 CPUNS[$name]=0 ALLNS[$name]=0
        return
    fi
    PPS[$name]=$(python3 -c "print(round($frames * 1e9 / ($t2 - $t1)))")
    CPUNS[$name]=$(python3 -c "print(round(($c2 - $c1) * 1e9 / $HZ / $frames))")
    ALLNS[$name]=$(python3 -c "print(round(($b2 - $b1) * 1e9 / $HZ / $frames))")
    log "$name: ${PPS[$name]} pps at the receiver, ${CPUNS[$name]} ns of its CPU per frame"
}

log "$(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); ${D} s per tool on CPU $CPU"
for tool in $TOOLS; do
    case $tool in
        xdp-tx) run_tool xdp-tx "$NETRING" xdp-tx -i "$IF_TX" --dst-mac "$MAC_RX" --size 60 --duration "$D" -q ;;
        replay-xdp) run_tool replay-xdp "$NETRING" replay -i "$IF_TX" -t -K -l 0 --duration "$D" -q "$TMP/f60.pcap" ;;
        replay-packet)
            run_tool replay-packet "$NETRING" replay -i "$IF_TX" --backend packet -t -K -l 0 --duration "$D" -q "$TMP/f60.pcap" ;;
        trafgen) run_tool trafgen trafgen --cpus 1 --dev "$IF_TX" --conf "$TMP/trafgen.cfg" ;;
        tcpreplay) run_tool tcpreplay tcpreplay -i "$IF_TX" -t -K --loop 0 "$TMP/f60.pcap" ;;
        *) die "unknown tool $tool (xdp-tx replay-xdp replay-packet trafgen tcpreplay)" ;;
    esac
done

printf '\n%-38s %12s %16s %14s\n' "sender (60-byte frames, ${D} s)" "pps at rx" "its CPU/frame" "all CPUs/frame"
for tool in $TOOLS; do
    case $tool in
        xdp-tx) label="netring xdp-tx" ;;
        replay-xdp) label="netring replay -t -K (AF_XDP)" ;;
        replay-packet) label="netring replay --backend packet -t -K" ;;
        trafgen) label="trafgen --cpus 1" ;;
        tcpreplay) label="tcpreplay -t -K" ;;
    esac
    printf '%-38s %12s %13s ns %11s ns\n' "$label" "${PPS[$tool]}" "${CPUNS[$tool]}" "${ALLNS[$tool]}"
done
ratio() { python3 -c "a, b = $1, $2; print(f'{a / b:.2f}' if b else 'n/a')"; }
echo
if [ -n "${PPS[xdp-tx]:-}" ] && [ -n "${PPS[trafgen]:-}" ]; then
    r=$(ratio "${PPS[xdp-tx]}" "${PPS[trafgen]}")
    printf 'target: xdp-tx >= 1.5x trafgen:                 %sx  %s\n' "$r" "$(python3 -c "print('met' if '$r' != 'n/a' and float('$r') >= 1.5 else 'NOT met')")"
fi
if [ -n "${PPS[replay-xdp]:-}" ] && [ -n "${PPS[tcpreplay]:-}" ]; then
    r=$(ratio "${PPS[replay-xdp]}" "${PPS[tcpreplay]}")
    printf 'target: replay -t -K (AF_XDP) >= 1.5x tcpreplay: %sx  %s\n' "$r" "$(python3 -c "print('met' if '$r' != 'n/a' and float('$r') >= 1.5 else 'NOT met')")"
fi
if [ -n "${PPS[replay-xdp]:-}" ] && [ -n "${PPS[xdp-tx]:-}" ]; then
    r=$(ratio "${PPS[replay-xdp]}" "${PPS[xdp-tx]}")
    printf 'target: replay -t -K (AF_XDP) within 10%% of xdp-tx: %sx  %s\n' "$r" "$(python3 -c "print('met' if '$r' != 'n/a' and float('$r') >= 0.9 else 'NOT met')")"
fi
