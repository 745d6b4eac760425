#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring stats benchmark: CPU of `stats -i` at --interval 0.1, and CPU per frame of `stats --capture` against `netring capture -w /dev/null` on the same trafgen flood.
#
# Usage: sudo tests/bench/stats.sh [--quick] [--help]
# Environment (all optional):
#   NR_BENCH_IDLE_SECONDS  how long `stats -i` runs (default 10; --quick: 3)
#   NR_BENCH_FRAMES        frames per capture run (default 1000000; --quick: 200000)
#   NR_BENCH_REPEAT        runs per capturer, alternating; the median is shown (default 5; --quick: 1)
#   NR_BENCH_CAPTURE_CPU   CPU for the capturer (default 1; the sender runs on CPU 0)
#   NR_BENCH_BACKENDS      capture backends to compare stats --capture and capture on
#                          (default "packet xdp"; xdp is AF_XDP in its default mode, queue 0)
#   NR_BENCH_SENDER        xdp-tx (default when netring has it: stamped frames with increasing
#                          sequence numbers) or trafgen (a 1-byte sequence counter, so most
#                          frames count as duplicates)
#   NETRING                the binary (default build/src/cli/netring beside this tree)
# Needs root, trafgen (netsniff-ng) and python3. Runs in two namespaces of its
# own joined by a veth pair, removed on exit.

set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${NETRING:=$HERE/../../build/src/cli/netring}"

QUICK=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        -h | --help)
            sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "stats.sh: unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    IDLE=${NR_BENCH_IDLE_SECONDS:-3} FRAMES=${NR_BENCH_FRAMES:-200000} REPEAT=${NR_BENCH_REPEAT:-1}
else
    IDLE=${NR_BENCH_IDLE_SECONDS:-10} FRAMES=${NR_BENCH_FRAMES:-1000000} REPEAT=${NR_BENCH_REPEAT:-5}
fi
CAPTURE_CPU=${NR_BENCH_CAPTURE_CPU:-1}
BACKENDS=${NR_BENCH_BACKENDS:-packet xdp}
SENDER_CPU=0
if [ -z "${NR_BENCH_SENDER:-}" ]; then
    NR_BENCH_SENDER=trafgen
    "$NETRING" xdp-tx --help >/dev/null 2>&1 && NR_BENCH_SENDER=xdp-tx
fi

. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (namespaces, veth, AF_PACKET)"
for t in python3 ip taskset ss; do
    command -v "$t" >/dev/null || skip "missing tool: $t"
done
[ -x "$NETRING" ] || die "no netring binary at $NETRING"
[ "$NR_BENCH_SENDER" = xdp-tx ] || command -v trafgen >/dev/null || skip "missing tool: trafgen"

bench_link nrs

# --- 1. stats -i at --interval 0.1: CPU share of one core ----------------------
for format in text json; do
    rm -f "$TMP/idle".{pid,pid.tmp,ru}
    t0=$(date +%s%N)
    taskset -c "$CAPTURE_CPU" python3 "$RUSAGE" "$TMP/idle.pid" "$TMP/idle.ru" \
        ip netns exec "$NS_RX" "$NETRING" stats -i "$IF_RX,lo" --interval 0.1 --duration "$IDLE" --format "$format" \
        >"$TMP/idle.out" 2>"$TMP/idle.err" || die "stats -i failed: $(cat "$TMP/idle.err")"
    t1=$(date +%s%N)
    read -r user sys rc _ <"$TMP/idle.ru"
    lines=$(grep -c . "$TMP/idle.out")
    IDLE_RESULT+=("$(awk -v u="$user" -v s="$sys" -v w=$((t1 - t0)) -v f="$format" -v l="$lines" 'BEGIN {
        printf "stats -i (2 interfaces, --interval 0.1, %s): %d output lines in %.1f s, CPU %.1f ms = %.3f%% of a core (%.0f us per sample)",
            f, l, w / 1e9, (u + s) / 1e3, (u + s) / (w / 1e3) * 100, (u + s) / (w / 1e8) }')")
    log "${IDLE_RESULT[-1]}"
done

# --- 2. stats --capture vs capture -w /dev/null on one trafgen flood ----------
# 60 bytes: 14 + 20 + 8 + the 18-byte stamp (src/netring/traffic/stamp.h):
# sequence (low byte counting), a fixed plausible send time, stream 1.
now_ns=$(date +%s%N)
stamp_time=$(printf '%016x' "$now_ns" | sed 's/../0x&, /g; s/, $//')
cat >"$TMP/udp60.cfg" <<CFG
{
  eth(da=$MAC_NOBODY, sa=$MAC_TX, type=0x0800),
  ipv4(saddr=$NET.1, daddr=$NET.3, ttl=64),
  udp(sp=40000, dp=9),
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, dinc(0, 255, 1),
  $stamp_time,
  0x00, 0x01
}
CFG

cpu_of() { read -r u s rc _ <"$1"; echo $((u + s)); }

run_capturer() {
    local tool=$1 backend=$2 pid n cmd=()
    case $tool in
        stats) cmd=("$NETRING" stats -i "$IF_RX" --capture --backend "$backend" --format json --interval 1) ;;
        capture) cmd=("$NETRING" capture -i "$IF_RX" --backend "$backend" -Q in -w /dev/null -q) ;;
    esac
    rm -f "$TMP/$tool".{pid,pid.tmp,ru,out,err}
    taskset -c "$CAPTURE_CPU" python3 "$RUSAGE" "$TMP/$tool.pid" "$TMP/$tool.ru" \
        ip netns exec "$NS_RX" "${cmd[@]}" </dev/null >"$TMP/$tool.out" 2>"$TMP/$tool.err" &
    BENCH_PIDS+=($!)
    n=100
    until [ -s "$TMP/$tool.pid" ]; do n=$((n - 1)); [ $n -gt 0 ] || die "$tool did not start"; sleep 0.05; done
    pid=$(cat "$TMP/$tool.pid")
    local ready=(capturer_bound "$pid")
    [ "$backend" = xdp ] && ready=(xsk_ready "$TMP/$tool.err")
    n=100
    until "${ready[@]}"; do
        n=$((n - 1))
        [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null || die "$tool did not bind to $IF_RX: $(cat "$TMP/$tool.err")"
        sleep 0.1
    done
    local t0 t1 c0 c1
    c0=$(cpu_ns "$pid")
    t0=$(date +%s%N)
    if [ "$NR_BENCH_SENDER" = xdp-tx ]; then
        taskset -c "$SENDER_CPU" ip netns exec "$NS_TX" "$NETRING" xdp-tx -i "$IF_TX" --dst-mac "$MAC_NOBODY" \
            --src-ip "$NET.1" --dst-ip "$NET.3" --stream 1 --count "$FRAMES" -q >"$TMP/sender.log" 2>&1 ||
            die "xdp-tx failed: $(tail -n 3 "$TMP/sender.log")"
    else
        # trafgen's worker pins itself to CPU 0 (--cpus 1).
        ip netns exec "$NS_TX" trafgen -i "$TMP/udp60.cfg" -o "$IF_TX" --cpus 1 -n "$FRAMES" -Q >"$TMP/sender.log" 2>&1 ||
            die "trafgen failed: $(tail -n 3 "$TMP/sender.log")"
    fi
    t1=$(date +%s%N)
    sleep 0.5
    c1=$(cpu_ns "$pid")
    sleep 0.5
    kill -INT "$pid"
    wait "${BENCH_PIDS[-1]}"
    local got drops
    if [ "$tool" = stats ]; then
        read -r got drops stamped lost < <(python3 -c '
import json, sys
recs = [r for r in map(json.loads, open(sys.argv[1]))]
s = [r for r in recs if r["type"] == "summary"][0]
lost = sum(r["lost"] for r in recs if r["type"] == "stream_summary")
print(s["rx_packets"], s["rx_dropped"], s["stamped"], lost)' "$TMP/stats.out")
        log "stats: $stamped stamped frames, $lost lost by sequence numbers"
    else
        read -r got drops < <(sed -nE 's/^([0-9]+) packets captured, [0-9]+ received by filter, ([0-9]+) dropped by kernel.*/\1 \2/p' "$TMP/capture.err")
    fi
    local cpu
    cpu=$(cpu_of "$TMP/$tool.ru")
    local flow_us=$(((c1 - c0) / 1000))
    printf '%s %s %s %s %s %s\n' "$tool-$backend" "$got" "$drops" "$flow_us" $((t1 - t0)) "$cpu" >>"$TMP/results"
    log "$(awk -v t="$tool-$backend" -v g="$got" -v d="$drops" -v c="$cpu" -v f="$flow_us" -v w=$((t1 - t0)) -v n="$FRAMES" 'BEGIN {
        printf "%-8s %d of %d frames, %d dropped, CPU while frames flowed %.1f ms = %.4f us/frame (whole run %.1f ms; sender %.2f Mframes/s)",
            t, g, n, d, f / 1e3, (g > 0 ? f / g : 0), c / 1e3, n / (w / 1e9) / 1e6 }')"
}

: >"$TMP/results"
for ((r = 1; r <= REPEAT; r++)); do
    for backend in $BACKENDS; do
        run_capturer capture "$backend"
        run_capturer stats "$backend"
    done
done

echo
echo "netring stats benchmark ($(nproc) CPUs; capturer on CPU $CAPTURE_CPU; sender $NR_BENCH_SENDER)"
for line in "${IDLE_RESULT[@]}"; do echo "  $line"; done
awk -v frames="$FRAMES" -v repeat="$REPEAT" -v backends="$BACKENDS" '
{ t = $1; k = ++n[t]; got[t, k] = $2; drop[t, k] = $3; per[t, k] = $2 > 0 ? $4 / $2 : 1e9; whole[t, k] = $2 > 0 ? $6 / $2 : 1e9 }
END {
    printf "  %d 60-byte stamped frames per run, median of %d run(s) by CPU per frame while frames flowed (whole run in brackets):\n", frames, repeat
    nb = split(backends, b, " ")
    for (j = 1; j <= nb; j++) {
        for (i = 1; i <= 2; i++) {
            t = (i == 1 ? "capture-" : "stats-") b[j]; m = n[t]
            if (m == 0) continue
            for (a = 1; a <= m; a++) idx[a] = a
            for (a = 1; a <= m; a++) for (c = a + 1; c <= m; c++) if (per[t, idx[c]] < per[t, idx[a]]) { x = idx[a]; idx[a] = idx[c]; idx[c] = x }
            k = idx[int((m + 1) / 2)]
            med[t] = per[t, k]
            printf "    %-52s %9d received %7d dropped  %.4f us/frame (%.4f)\n", (i == 2 ? "netring stats --capture --backend " : "netring capture -Q in -w /dev/null --backend ") b[j], got[t, k], drop[t, k], per[t, k], whole[t, k]
        }
        if (med["capture-" b[j]] > 0)
            printf "  %s: stats --capture / capture CPU per frame: %.2f (target <= 1.00: %s)\n", b[j], med["stats-" b[j]] / med["capture-" b[j]], med["stats-" b[j]] <= med["capture-" b[j]] ? "met" : "MISSED"
    }
}' "$TMP/results"
