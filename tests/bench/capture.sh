#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture benchmark: CPU per frame and drops of netring (AF_PACKET and AF_XDP), tcpdump and dumpcap on the same trafgen flood, and the tmpfs write floor.
#
# Usage: sudo tests/bench/capture.sh [--quick] [--help]
# Environment (all optional):
#   NR_BENCH_FRAMES        frames per tool run (default 2000000; --quick: NR_BENCH_QUICK_FRAMES, default 200000)
#   NR_BENCH_REPEAT        runs per tool; the table shows the median (default 1)
#   NR_BENCH_TOOLS         which capturers, in order (default "netring tcpdump dumpcap"); also
#                          netring-xdp-generic and netring-xdp-native: netring capture --backend xdp
#                          with --xdp-mode generic or native (queue 0, copy mode on veth);
#                          netring-t2, netring-t4: --threads 2/4 (fanout hash); netring-xdp-q2,
#                          netring-xdp-q4: --backend xdp --xdp-mode native --queues 0-1/0-3.
#                          The veth has 4 queues; the sender uses as many TX queues as the tool
#                          captures AF_XDP queues (1, 2 or 4; 4 for AF_PACKET tools), so that
#                          every frame lands on a captured queue; ref and ref-noflags: ref_capture.c,
#                          the least a TPACKET_V3 capture into pcapng can do (built here with cc), with
#                          netring's 104-byte EPBs or without their epb_flags (92 bytes); ref-xdp:
#                          ref_xdp.c, the same for AF_XDP in native mode on queue 0; ref-f2, ref-f4:
#                          ref_capture.c with 2 or 4 sockets in a fanout hash group, read by one thread;
#                          ref-t2, ref-t4: the same sockets, a reader thread each, merged in time order;
#                          ref-m2, ref-m4: that merge, the one thread reading every ring;
#                          ref-xdp-q2, ref-xdp-q4: ref_xdp.c on queues 0-1/0-3, read in turn, no merge
#   NR_BENCH_DRAIN         seconds between the end of sending and SIGINT (default 2)
#   NR_BENCH_CAPTURE_CPU   CPU for the capture process (default 1; trafgen's worker always pins itself to CPU 0)
#   NR_BENCH_PERF=DIR      also record a perf profile of each capturer while traffic flows (DIR/TOOL.perf.data;
#                          perf's sampling adds to the CPU figures of that run)
#   NR_BENCH_SAVE=DIR      copy each capture file to DIR before it is deleted (about 200 MB each)
#   NETRING                the binary (default build/src/cli/netring beside this tree)
# See tests/bench/README.md for how to read the output.

set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${NETRING:=$HERE/../../build/src/cli/netring}"

QUICK=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        -h | --help)
            awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"
            exit 0
            ;;
        *)
            echo "capture.sh: unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

if [ "$QUICK" = 1 ]; then
    FRAMES=${NR_BENCH_QUICK_FRAMES:-200000}
else
    FRAMES=${NR_BENCH_FRAMES:-2000000}
fi
REPEAT=${NR_BENCH_REPEAT:-1}
TOOLS=${NR_BENCH_TOOLS:-netring tcpdump dumpcap}
DRAIN=${NR_BENCH_DRAIN:-2}
# trafgen's worker N pins itself to CPU N whatever taskset says, so with
# --cpus 1 the sender, and the receive softirq that veth runs in its
# context, are on CPU 0; the capturer gets the other one.
SENDER_CPU=0
CAPTURE_CPU=${NR_BENCH_CAPTURE_CPU:-1}

. "$(dirname "$0")/lib.sh"

[[ $FRAMES =~ ^[0-9]+$ ]] && [ "$FRAMES" -gt 0 ] || die "frame count must be a positive integer, got '$FRAMES'"
[[ $REPEAT =~ ^[0-9]+$ ]] && [ "$REPEAT" -gt 0 ] || die "NR_BENCH_REPEAT must be a positive integer"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, AF_PACKET, tmpfs); running as uid $(id -u)"
missing=()
for t in ip trafgen tcpdump dumpcap capinfos taskset python3 dd awk ss; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] || skip "missing tools: ${missing[*]} (packaging/debian-deps.sh installs them)"
[ -x "$NETRING" ] || die "netring binary not found: $NETRING (build with ninja -C build)"
ncpu=$(nproc)
[ "$SENDER_CPU" -lt "$ncpu" ] && [ "$CAPTURE_CPU" -lt "$ncpu" ] || die "CPUs $SENDER_CPU/$CAPTURE_CPU: this machine has $ncpu"
[ "$SENDER_CPU" != "$CAPTURE_CPU" ] || log "warning: sender and capturer share CPU $SENDER_CPU; figures will be skewed"

REF='' REF_XDP=''
if [[ " $TOOLS " == *" ref"* ]]; then
    command -v cc >/dev/null 2>&1 || skip "missing tool: cc (for the ref tools)"
fi

# --- namespaces, 4-queue veth pair, tmpfs: ours, and gone on exit ---

MNT=''
bench_on_exit() {
    if [ -n "$MNT" ] && mountpoint -q "$MNT"; then
        umount "$MNT" 2>/dev/null || umount -l "$MNT"
    fi
}
bench_link nrb 4

# Room for the largest output (pcapng, about 104 bytes a frame) and slack.
MNT="$TMP/tmpfs"
mkdir -p "$MNT"
mount -t tmpfs -o size=$((FRAMES * 200 / 1048576 + 64))m,mode=1777 nr-bench "$MNT" || {
    MNT=''
    die "cannot mount a tmpfs on $TMP/tmpfs"
}

if [[ " $TOOLS " == *" ref"* ]]; then
    REF="$TMP/ref_capture"
    cc -O2 -pthread -o "$REF" "$HERE/ref_capture.c" || die "cannot build $HERE/ref_capture.c"
    REF_XDP="$TMP/ref_xdp"
    cc -O2 -o "$REF_XDP" "$HERE/ref_xdp.c" || die "cannot build $HERE/ref_xdp.c"
fi

# 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 18 payload = 60 bytes, checksums by
# trafgen. 64 flows (source ports), so that the kernel spreads them over the
# veth's queues and a fanout group's sockets by flow hash.
cat >"$TMP/udp60.cfg" <<EOF
{
  eth(da=$MAC_NOBODY, sa=$MAC_TX, type=0x0800),
  ipv4(saddr=$IP_TX, daddr=$IP_NOBODY, ttl=64),
  udp(sp=dinc(40000, 40063), dp=9),
  fill(0x00, 18)
}
EOF

read -r LOAD1 _ </proc/loadavg
log "load average $LOAD1 at start$(awk -v l="$LOAD1" 'BEGIN { if (l > 0.5) print ": the machine is busy, figures will be noisy" }')"
log "namespaces $NS_TX/$NS_RX, veth $IF_TX <-> $IF_RX ($NET.0/24), tmpfs $MNT"
log "$FRAMES frames of 60 bytes per run, $REPEAT run(s) per tool; sender on CPU $SENDER_CPU, capturer on CPU $CAPTURE_CPU"

# --- measuring helpers ---

rx_stat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# The drop counters of the closing Interface Statistics Blocks of a pcapng
# file (one per interface: several with --threads) as "osdrop+ifdrop", summed
# ("-" for a pcap file or no ISB): the file's own record, to check the tool's
# summary line against.
ISB_PY='
import struct, sys
osdrop = ifdrop = isbs = 0
with open(sys.argv[1], "rb") as f:
    head = f.read(12)
    if len(head) < 12 or struct.unpack("<I", head[:4])[0] != 0x0A0D0D0A:
        print("-"); sys.exit()
    e = "<" if struct.unpack("<I", head[8:12])[0] == 0x1A2B3C4D else ">"
    end = f.seek(0, 2)
    while end > 12:
        # Walk back over the last blocks through their trailing lengths.
        f.seek(end - 4)
        size = struct.unpack(e + "I", f.read(4))[0]
        f.seek(end - size)
        block = f.read(size)
        if struct.unpack(e + "I", block[:4])[0] != 5:
            break
        isbs += 1
        pos = 20
        while pos + 4 <= size - 4:
            code, length = struct.unpack(e + "HH", block[pos:pos + 4])
            if code == 0:
                break
            if length == 8 and code in (5, 7):
                v = struct.unpack(e + "Q", block[pos + 4:pos + 12])[0]
                if code == 7:
                    osdrop += v
                else:
                    ifdrop += v
            pos += 4 + (length + 3) // 4 * 4
        end -= size
print("%d+%d" % (osdrop, ifdrop) if isbs else "-")
'
isb_drops() { python3 -c "$ISB_PY" "$1" 2>/dev/null || echo '?'; }

wait_gone() {
    local pid=$1 n=$2
    while [ "$n" -gt 0 ]; do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

frames_in() { capinfos -M -c -T -r "$1" 2>/dev/null | awk -F'\t' 'NR == 1 { print $2 }'; }

# The drop count each tool reports itself on stderr.
reported_drops() {
    local tool=$1 err=$2
    case $tool in
        netring*) sed -nE 's/.* ([0-9]+) dropped by kernel, ([0-9]+) dropped by interface$/\1+\2/p' "$err" | tail -n 1 ;;
        tcpdump) sed -nE 's/^([0-9]+) packets? dropped by kernel$/\1/p' "$err" | tail -n 1 ;;
        ref*) sed -nE 's/^ref_[a-z]+: [0-9]+ frames, ([0-9]+) dropped by kernel$/\1/p' "$err" | tail -n 1 ;;
        dumpcap) sed -nE 's/^Packets received\/dropped on interface .*: [0-9]+\/([0-9]+) .*/\1/p' "$err" | tail -n 1 ;;
    esac
}

us_per_frame() { awk -v cpu="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.4f", cpu / n; else print "n/a" }'; }

# Results, one line per run: tool sent arrived captured reported cpu_us traffic_us bytes rate isb_drops
RESULTS="$TMP/results"
: >"$RESULTS"
NETRING_BYTES=''

# tool_command TOOL OUT: sets CMD to the capture command line for TOOL.
tool_command() {
    case $1 in
        netring) CMD=("$NETRING" capture -i "$IF_RX" -w "$2" -q) ;;
        tcpdump) CMD=(tcpdump -i "$IF_RX" -w "$2" -B 65536 -n) ;;
        dumpcap) CMD=(dumpcap -i "$IF_RX" -w "$2" -B 64) ;;
        netring-xdp-generic | netring-xdp-native)
            CMD=("$NETRING" capture -i "$IF_RX" -w "$2" -q --backend xdp --xdp-mode "${1#netring-xdp-}")
            ;;
        ref) CMD=("$REF" "$IF_RX" "$2") ;;
        ref-noflags) CMD=("$REF" "$IF_RX" "$2" --no-flags) ;;
        ref-xdp) CMD=("$REF_XDP" "$IF_RX" "$2") ;;
        ref-xdp-q[0-9]*) CMD=("$REF_XDP" "$IF_RX" "$2" --queues "${1#ref-xdp-q}") ;;
        ref-f[0-9]*) CMD=("$REF" "$IF_RX" "$2" --fanout "${1#ref-f}") ;;
        ref-t[0-9]*) CMD=("$REF" "$IF_RX" "$2" --threads "${1#ref-t}") ;;
        ref-m[0-9]*) CMD=("$REF" "$IF_RX" "$2" --merge "${1#ref-m}") ;;
        netring-t[0-9]*) CMD=("$NETRING" capture -i "$IF_RX" -w "$2" -q --threads "${1#netring-t}") ;;
        netring-xdp-q[0-9]*)
            CMD=("$NETRING" capture -i "$IF_RX" -w "$2" -q --backend xdp --xdp-mode native
                --queues "0-$((${1#netring-xdp-q} - 1))")
            ;;
        *) die "unknown tool $1 (netring, netring-tN, netring-xdp-generic, netring-xdp-native, netring-xdp-qN, tcpdump, dumpcap, ref, ref-noflags, ref-fN, ref-mN, ref-tN, ref-xdp or ref-xdp-qN)" ;;
    esac
}

# sender_queues TOOL: how many TX queues the sender uses for TOOL's run, so
# that every frame reaches an RX queue the tool captures: AF_XDP captures
# queues 0..N-1; an AF_PACKET socket sees every queue.
sender_queues() {
    case $1 in
        netring-xdp-q[0-9]*) echo "${1#netring-xdp-q}" ;;
        ref-xdp-q[0-9]*) echo "${1#ref-xdp-q}" ;;
        netring-xdp-* | ref-xdp) echo 1 ;;
        *) echo 4 ;;
    esac
}

# start_capturer NAME OUT CMD...: starts CMD in NS_RX on CAPTURE_CPU under
# the rusage wrapper and returns once it captures; sets CAP_PID and WRAPPER.
start_capturer() {
    local name=$1 out=$2
    shift 2
    rm -f "$out" "$TMP/$name".{pid,pid.tmp,ru,err,out}
    taskset -c "$CAPTURE_CPU" python3 "$RUSAGE" "$TMP/$name.pid" "$TMP/$name.ru" \
        ip netns exec "$NS_RX" "$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err" &
    WRAPPER=$!
    BENCH_PIDS+=("$WRAPPER")
    local n=100
    until [ -s "$TMP/$name.pid" ]; do
        n=$((n - 1))
        [ $n -gt 0 ] || die "$name: the wrapper did not start"
        sleep 0.05
    done
    CAP_PID=$(cat "$TMP/$name.pid")
    BENCH_PIDS+=("$CAP_PID")
    # Ready: the output file exists (every tool creates it after binding) and
    # the packet socket is bound to our interface, or for AF_XDP the socket
    # is in the XSKMAP.
    local ready=(capturer_bound "$CAP_PID")
    [[ $name == netring-xdp-* || $name == ref-xdp* ]] && ready=(xsk_ready "$TMP/$name.err")
    # A fanout group is complete (every socket joined, real filters on) once
    # netring opens the file, which it does after its sockets.
    n=200
    until [ -e "$out" ] && "${ready[@]}"; do
        n=$((n - 1))
        if [ $n -le 0 ] || ! kill -0 "$CAP_PID" 2>/dev/null; then
            sed 's/^/    /' "$TMP/$name.err" >&2
            die "$name ($*) did not start capturing on $IF_RX"
        fi
        sleep 0.1
    done
}

# stop_capturer NAME: SIGINT, then waits for the capturer and its wrapper.
stop_capturer() {
    kill -INT "$CAP_PID"
    if ! wait_gone "$CAP_PID" 300; then
        kill -KILL "$CAP_PID" 2>/dev/null
        die "$1 did not stop within 30 s of SIGINT"
    fi
    wait "$WRAPPER"
    # All ours have exited: never signal their recycled pids at exit.
    BENCH_PIDS=()
}

# run_one TOOL: one capture of one trafgen flood.
run_one() {
    local tool=$1 out
    case $tool in
        tcpdump) out="$MNT/tcpdump.pcap" ;;
        *) out="$MNT/$tool.pcapng" ;;
    esac
    # An idle start and stop first: the measured run then gets the ring
    # memory this one touched and freed, and finds the binary and its
    # libraries in the page cache, like the other tools and every later run.
    tool_command "$tool" "$MNT/prime"
    start_capturer "$tool-idle" "$MNT/prime" "${CMD[@]}"
    stop_capturer "$tool (idle start)"
    rm -f "$MNT/prime"
    warm_up

    ip netns exec "$NS_TX" ethtool -L "$IF_TX" tx "$(sender_queues "$tool")" 2>/dev/null ||
        die "cannot set $IF_TX to $(sender_queues "$tool") TX queues (ethtool -L)"
    local tx0 rx0 tx1 rx1 pid
    tx0=$(rx_stat "$NS_TX" "$IF_TX" tx_packets)
    rx0=$(rx_stat "$NS_RX" "$IF_RX" rx_packets)
    tool_command "$tool" "$out"
    start_capturer "$tool" "$out" "${CMD[@]}"
    pid=$CAP_PID
    if [[ $tool == netring-xdp-* ]]; then
        # What the kernel reports attached: xdpgeneric, or xdp for native.
        local attached want=xdp
        [ "$tool" = netring-xdp-generic ] && want=xdpgeneric
        attached=$(ip -n "$NS_RX" link show dev "$IF_RX" | awk '
            NR == 1 { for (i = 1; i < NF; i++) if ($i == "mtu" && $(i + 2) ~ /^xdp/) mode = $(i + 2) }
            / prog\/xdp id / { id = $3 }
            END { if (mode != "") print mode " (program id " id ")" }')
        log "$tool: $IF_RX has ${attached:-no XDP program attached}"
        [ "${attached%% *}" = "$want" ] || log "warning: $tool: expected $want attached, found '${attached:-none}'"
    fi

    local c0 c1 t0 t1 perf_pid=''
    if [ -n "${NR_BENCH_PERF:-}" ]; then
        mkdir -p "$NR_BENCH_PERF"
        perf record -F 4999 -g -p "$pid" -o "$NR_BENCH_PERF/$tool.perf.data" >"$TMP/perf.log" 2>&1 &
        perf_pid=$!
        BENCH_PIDS+=("$perf_pid")
        sleep 1  # perf needs a moment before it samples
    fi
    c0=$(cpu_ns "$pid")
    t0=$(date +%s%N)
    # -Q: trafgen must not retune any IRQ affinity. (This trafgen has no -A;
    # the core socket memory sysctls it would raise are read-only in a
    # namespace, so it only says so in its log.) -q: through the qdisc path,
    # where the kernel picks a TX queue per flow; trafgen's default bypass
    # picks the queue of its CPU, one queue for everything.
    taskset -c "$SENDER_CPU" ip netns exec "$NS_TX" trafgen -i "$TMP/udp60.cfg" -o "$IF_TX" --cpus 1 -n "$FRAMES" \
        -Q -q >"$TMP/trafgen.log" 2>&1 || {
        sed 's/^/    /' "$TMP/trafgen.log" >&2
        die "trafgen failed"
    }
    t1=$(date +%s%N)
    sleep "$DRAIN"
    c1=$(cpu_ns "$pid")
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"
        wait "$perf_pid"
        log "$tool: profile in $NR_BENCH_PERF/$tool.perf.data (perf report -i ... --no-children)"
    fi
    stop_capturer "$tool"
    tx1=$(rx_stat "$NS_TX" "$IF_TX" tx_packets)
    rx1=$(rx_stat "$NS_RX" "$IF_RX" rx_packets)

    local user sys rc vcsw ivcsw
    read -r user sys rc vcsw ivcsw <"$TMP/$tool.ru" || die "$tool: no resource usage recorded"
    [ "$rc" = 0 ] || {
        sed 's/^/    /' "$TMP/$tool.err" >&2
        die "$tool exited with status $rc"
    }
    local captured bytes reported isb
    captured=$(frames_in "$out")
    [ -n "$captured" ] || die "capinfos cannot read $out"
    bytes=$(stat -c %s "$out")
    reported=$(reported_drops "$tool" "$TMP/$tool.err")
    isb=$(isb_drops "$out")
    [[ $tool != netring* ]] || [ "$isb" = "${reported:-?}" ] ||
        log "warning: $tool: its summary line says $reported dropped (kernel+interface), its ISB $isb"
    [ "$tool" = netring ] && NETRING_BYTES=$bytes
    local sent=$((tx1 - tx0)) arrived=$((rx1 - rx0))
    [ "$sent" = "$FRAMES" ] || log "warning: trafgen was asked for $FRAMES frames, $IF_TX sent $sent"
    local rate
    rate=$(awk -v n="$sent" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
    printf '%s %s %s %s %s %s %s %s %s %s\n' "$tool" "$sent" "$arrived" "$captured" "${reported:-?}" \
        $((user + sys)) $(((c1 - c0) / 1000)) "$bytes" "$rate" "$isb" >>"$RESULTS"
    log "$(printf '%-8s sent %s, arrived %s, captured %s, dropped %s (tool says %s, ISB %s), CPU %.3f s = %s us/frame (user %s + sys %s; %s us/frame while traffic flowed), %s+%s context switches, sender %s frames/s' \
        "$tool" "$sent" "$arrived" "$captured" $((sent - captured)) "${reported:-?}" "$isb" \
        "$(awk -v u=$((user + sys)) 'BEGIN { print u / 1e6 }')" "$(us_per_frame $((user + sys)) "$captured")" \
        "$(us_per_frame "$user" "$captured")" "$(us_per_frame "$sys" "$captured")" \
        "$(us_per_frame $(((c1 - c0) / 1000)) "$captured")" "$vcsw" "$ivcsw" "$rate")"
    if [ -n "${NR_BENCH_SAVE:-}" ]; then
        mkdir -p "$NR_BENCH_SAVE" && cp "$out" "$NR_BENCH_SAVE/" || log "warning: could not save $out to $NR_BENCH_SAVE"
    fi
    rm -f "$out"
}

# The first write to a page this VM has never touched costs several times a
# write to a recycled one (the hypervisor backs guest memory lazily): write
# and delete a file as large as the largest output before every measured
# run, so that every tool and the floor write into memory in the same state.
warm_up() {
    taskset -c "$CAPTURE_CPU" dd if=/dev/zero of="$MNT/warm-up" bs=1M count=$((FRAMES * 110)) iflag=count_bytes \
        status=none || die "dd to the tmpfs failed (warm-up)"
    taskset -c "$CAPTURE_CPU" rm -f "$MNT/warm-up"
}

# The floor: dd writing as many bytes as netring's file in 1 MiB writes.
run_floor() {
    local bytes=$1 user sys rc
    rm -f "$TMP/floor".{pid,pid.tmp,ru}
    warm_up
    taskset -c "$CAPTURE_CPU" python3 "$RUSAGE" "$TMP/floor.pid" "$TMP/floor.ru" \
        dd if=/dev/zero of="$MNT/floor.bin" bs=1M count="$bytes" iflag=count_bytes status=none ||
        die "dd to the tmpfs failed"
    read -r user sys rc _ <"$TMP/floor.ru" || die "dd: no resource usage recorded"
    [ "$rc" = 0 ] || die "dd exited with status $rc"
    rm -f "$MNT/floor.bin"
    printf 'floor - - %s - %s %s %s - -\n' "$FRAMES" $((user + sys)) $((user + sys)) "$bytes" \
        >>"$RESULTS"
    log "$(printf 'floor    dd wrote %s bytes in 1 MiB writes: CPU %.3f s = %s us/frame' "$bytes" \
        "$(awk -v u=$((user + sys)) 'BEGIN { print u / 1e6 }')" "$(us_per_frame $((user + sys)) "$FRAMES")")"
}

for ((r = 1; r <= REPEAT; r++)); do
    for tool in $TOOLS; do
        run_one "$tool"
    done
    # Without a netring run, size the floor as netring would have (104 bytes an EPB).
    run_floor "${NETRING_BYTES:-$((FRAMES * 104))}"
done

# --- the table: per tool the run with the median CPU per frame ---

read -r LOAD1_END _ </proc/loadavg
awk -v frames="$FRAMES" -v repeat="$REPEAT" -v order="$TOOLS floor" -v load="$LOAD1 -> $LOAD1_END" '
function usf(cpu, n) { return n > 0 ? cpu / n : -1 }
{
    t = $1; k = ++runs[t]
    sent[t, k] = $2; arrived[t, k] = $3; captured[t, k] = $4; reported[t, k] = $5
    cpu[t, k] = $6; traffic[t, k] = $7; bytes[t, k] = $8; rate[t, k] = $9; isb[t, k] = $10
    per[t, k] = usf($6, $4)
}
END {
    w = 8
    for (t in runs) if (length(t) > w) w = length(t)
    fmt = "%-" w "s %-7s %9s %9s %9s %8s %9s %8s %7s %9s %10s %8s %8s\n"
    printf "\nCapture of %d 60-byte frames (median of %d run%s, load average %s);\n", \
        frames, repeat, (repeat > 1 ? "s" : ""), load
    printf "CPU is user+sys of the capture process alone.\n\n"
    printf fmt, "tool", "format", "sent", "arrived", "captured", "dropped", "tool-drop", "isb-drop", "CPU s", "us/frame", \
        "us/f(flow)", "file MB", "send Mf/s"
    n = split(order, tools, " ")
    for (i = 1; i <= n; i++) {
        t = tools[i]
        if (!(t in runs)) continue
        # median by CPU per frame: sort run indices
        m = runs[t]
        for (a = 1; a <= m; a++) idx[a] = a
        for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (per[t, idx[b]] < per[t, idx[a]]) { x = idx[a]; idx[a] = idx[b]; idx[b] = x }
        k = idx[int((m + 1) / 2)]
        med[t] = per[t, k]
        format = t == "tcpdump" ? "pcap" : t == "floor" ? "dd 1M" : "pcapng"
        dropped = t == "floor" ? "-" : sent[t, k] - captured[t, k]
        printf fmt, t, format, sent[t, k], arrived[t, k], captured[t, k], dropped, reported[t, k], isb[t, k], \
            sprintf("%.3f", cpu[t, k] / 1e6), sprintf("%.4f", per[t, k]), sprintf("%.4f", usf(traffic[t, k], captured[t, k])), \
            sprintf("%.1f", bytes[t, k] / 1e6), t == "floor" ? "-" : sprintf("%.2f", rate[t, k] / 1e6)
        if (t == "netring") nr_drop = dropped
        drop[t] = dropped; mrate[t] = rate[t, k]
    }
    printf "\nTargets (issue 3): zero drops with the default ring; netring CPU/frame <= 0.5x tcpdump, <= 0.1x dumpcap, <= 1.5x floor.\n"
    if ("netring" in runs) {
        printf "  %-22s %10s   %s\n", "netring drops", nr_drop, (nr_drop == 0 ? "met" : "MISSED")
        split("tcpdump:0.5 dumpcap:0.1 floor:1.5", goals, " ")
        for (g = 1; g <= 3; g++) {
            split(goals[g], kv, ":")
            if (!(kv[1] in med) || med[kv[1]] <= 0) continue
            ratio = med["netring"] / med[kv[1]]
            printf "  %-22s %10.3f   target <= %s: %s\n", "netring/" kv[1], ratio, kv[2], (ratio <= kv[2] ? "met" : "MISSED")
        }
    }
    # The yardsticks: the least a capture of each kind costs here, beside
    # the same ratios (tests/bench/README.md).
    split("ref ref-noflags ref-xdp ref-f2 ref-f4 ref-m2 ref-m4 ref-t2 ref-t4 ref-xdp-q2 ref-xdp-q4", refs, " ")
    header = 0
    for (r = 1; r <= 11; r++) {
        t = refs[r]
        if (!(t in med)) continue
        if (!header++)
            printf "\nYardsticks:\n"
        line = ""
        if (t ~ /^ref-[fmt]/) {
            n = substr(t, 6)
            if ("ref" in med) line = line sprintf("  %s/ref %.3f", t, med[t] / med["ref"])
            if (("netring-t" n) in med) line = line sprintf("  netring-t%s/%s %.3f", n, t, med["netring-t" n] / med[t])
            printf "  %s\n", substr(line, 3)
            continue
        }
        if (t ~ /^ref-xdp-q/) {
            n = substr(t, 10)
            if ("ref-xdp" in med) line = line sprintf("  %s/ref-xdp %.3f", t, med[t] / med["ref-xdp"])
            if (("netring-xdp-q" n) in med) line = line sprintf("  netring-xdp-q%s/%s %.3f", n, t, med["netring-xdp-q" n] / med[t])
            printf "  %s\n", substr(line, 3)
            continue
        }
        if (t == "ref-xdp") {
            if ("ref" in med) line = line sprintf("  ref-xdp/ref %.3f", med[t] / med["ref"])
            if ("netring-xdp-native" in med) line = line sprintf("  netring-xdp-native/ref-xdp %.3f", med["netring-xdp-native"] / med[t])
            printf "  %s\n", substr(line, 3)
            continue
        }
        if ("tcpdump" in med) line = line sprintf("  %s/tcpdump %.3f", t, med[t] / med["tcpdump"])
        if ("floor" in med) line = line sprintf("  %s/floor %.3f", t, med[t] / med["floor"])
        if ("netring" in med) line = line sprintf("  netring/%s %.3f", t, med["netring"] / med[t])
        printf "  %s\n", substr(line, 3)
    }
    split("netring-xdp-generic netring-xdp-native", xdp, " ")
    if (("netring-xdp-generic" in runs) || ("netring-xdp-native" in runs)) {
        printf "\nTargets (issue 4): AF_XDP capture with zero drops at the sender'"'"'s top rate; AF_XDP CPU/frame <= the AF_PACKET path'"'"'s (netring).\n"
        for (g = 1; g <= 2; g++) {
            t = xdp[g]
            if (!(t in runs)) continue
            printf "  %-22s %10s   sender at %.2f Mf/s%s: %s\n", t " drops", drop[t], mrate[t] / 1e6, \
                ("netring" in mrate ? sprintf(" (%.2f with netring AF_PACKET)", mrate["netring"] / 1e6) : ""), \
                (drop[t] == 0 ? "met" : "MISSED")
            if (!("netring" in med) || med["netring"] <= 0) continue
            ratio = med[t] / med["netring"]
            printf "  %-22s %10.3f   target <= 1: %s\n", t "/netring", ratio, (ratio <= 1 ? "met" : "MISSED")
        }
    }
    split("netring-t2:netring netring-t4:netring netring-xdp-q2:netring-xdp-native netring-xdp-q4:netring-xdp-native", multi, " ")
    header = 0
    for (g = 1; g <= 4; g++) {
        split(multi[g], kv, ":")
        t = kv[1]; one = kv[2]
        if (!(t in runs)) continue
        if (!header++)
            printf "\nTargets (issue 7): no drops with 2 threads at the sender'"'"'s top rate; total CPU/frame with N threads <= 1.2x one thread'"'"'s.\n"
        printf "  %-22s %10s   sender at %.2f Mf/s%s\n", t " drops", drop[t], mrate[t] / 1e6, \
            (t ~ /2$/ ? (drop[t] == 0 ? ": met" : ": MISSED") : "")
        if (!(one in med) || med[one] <= 0) continue
        ratio = med[t] / med[one]
        printf "  %-22s %10.3f   target <= 1.2: %s\n", t "/" one, ratio, (ratio <= 1.2 ? "met" : "MISSED")
    }
}' "$RESULTS"
