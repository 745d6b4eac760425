#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring stats --capture: counts, loss, duplicates, reordering and latency of stamped streams, checked against tcpdump's capture of the same frames decoded by tshark.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark python3 ethtool
nr_setup
nr_require_netring
CHECK=(python3 "$NR_LIB_DIR/stats_check.py")

# send ARGS...: stamped frames from A to B's MAC and an address nobody has.
send() {
    in_a python3 "$NR_LIB_DIR/stamp_sender.py" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --src-ip "$NR_IP_A" \
        --dst-ip "$NR_NET.99" "$@" >/dev/null || fail "stamp_sender $* failed"
}

# veth's per-queue XDP drop counter; a failure when ethtool does not show it
# (an empty value would make the arithmetic that compares it fail silently).
xdp_drops() {
    local v
    v=$(in_b ethtool -S "$NR_IF_B" | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
    [[ $v =~ ^[0-9]+$ ]] || fail "ethtool -S $NR_IF_B shows no rx_queue_0_xdp_drops"
    echo "$v"
}

# --- the measuring side: netring stats --capture, tcpdump as the reference ----
start_capture stats "$NETRING" stats -i "$NR_IF_B" --capture --interval 0.5 --format json
STATS=$CAP_PID
start_capture tcpdump tcpdump -i "$NR_IF_B" -n -U --time-stamp-precision=nano -w "$NR_TMP/ref.pcap"
TCPDUMP=$CAP_PID
start_bg --out "$NR_TMP/link.ndjson" --err "$NR_TMP/link.err" in_b "$NETRING" stats -i "$NR_IF_B" --interval 0.5 --format json
LINK=$BG_PID

total=0
# Stream 1: 2000 frames at 2000/s, nothing wrong.
send --stream 1 -c 2000 --rate 2000
total=$((total + 2000))
# Stream 2: faults made by the sender: every seq % 10 == 3 never sent (100),
# seq % 50 == 49 sent twice (20), pairs swapped every 25 (40 reordered).
send --stream 2 -c 1000 --rate 1000 --skip-every 10 --skip-offset 3 --duplicate-every 50 --swap-every 25
total=$((total + 920))
# Stream 3 over IPv6, 100-byte frames.
send --stream 3 -c 300 --rate 1000 --ipv6 --src-ip fd77::1 --dst-ip fd77::99 --size 100
total=$((total + 300))
# Not stamped for port 9: counted as frames, never as a stream.
send --stream 9 -c 100 --port 53
total=$((total + 100))

# Stream 4: the network drops them. An XDP program on B drops every frame
# whose sequence number has (low byte & 7) == 5, before any socket sees it.
# packaging/debian-deps.sh installs clang, which builds the dropper.
command -v clang >/dev/null || fail "no clang: it builds the XDP program that drops stream 4 (packaging/debian-deps.sh installs it)"
clang -O2 -target bpf -DMASK=7 -DVALUE=5 -c "$NR_LIB_DIR/xdp_drop_seq.c" -o "$NR_TMP/xdp_drop_seq.o" 2>"$NR_TMP/clang.err" ||
    fail "clang cannot build the XDP drop program: $(head -n 2 "$NR_TMP/clang.err")"
in_b ip link set dev "$NR_IF_B" xdp obj "$NR_TMP/xdp_drop_seq.o" sec xdp 2>"$NR_TMP/xdp.err" ||
    fail "cannot attach the XDP drop program: $(head -n 2 "$NR_TMP/xdp.err")"
drops0=$(xdp_drops)
send --stream 4 -c 800 --rate 2000
in_b ip link set dev "$NR_IF_B" xdp off
total=$((total + 700))
drops1=$(xdp_drops)
[ $((drops1 - drops0)) = 100 ] || soft_fail "the driver counted $((drops1 - drops0)) XDP drops, want 100"

# Stream 5: a 10 ms path. Its stamps say each frame left 10 ms before it did
# (kernels without netem, as CI's, cannot delay a veth); swaps every 10.
send --stream 5 -c 500 --rate 1000 --stamp-age-ms 10 --swap-every 10
total=$((total + 500))

# Stream 11: a sender that starts over, well within the 65536 numbers a
# duplicate is told by: a restart, not 300 duplicates.
send --stream 11 -c 300 --rate 2000
send --stream 11 -c 300 --rate 2000
total=$((total + 600))

got=$(wait_frames "$NR_TMP/ref.pcap" "$total" 20) || soft_fail "tcpdump has $got of $total frames"
sleep 0.6  # one more interval for stats, then its final drain on SIGINT
stop_capture "$STATS" INT
[ "$BG_RC" = 0 ] || soft_fail "stats --capture ended with $BG_RC: $(cat "$NR_TMP/stats.err")"
stop_capture "$TCPDUMP" INT
stop_capture "$LINK" INT

python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' <"$NR_TMP/stats.out" || soft_fail "output is not JSON lines"
ref=$(pcap_count "$NR_TMP/ref.pcap")
python3 - "$NR_TMP/stats.out" "$total" "$ref" <<'PY' || soft_fail "capture totals"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
total, ref = int(sys.argv[2]), int(sys.argv[3])
s = [r for r in recs if r["type"] == "summary"][0]
caps = [r for r in recs if r["type"] == "capture"]
print(f"  summary: {s['rx_packets']} frames ({s['stamped']} stamped), {s['rx_bytes']} bytes, {s['rx_dropped']} dropped; sent {total}, tcpdump {ref}", file=sys.stderr)
assert s["rx_dropped"] == 0, s
assert s["rx_packets"] == total == ref, (s["rx_packets"], total, ref)
assert s["stamped"] == total - 100, s
assert sum(r["rx_packets"] for r in caps) == total and caps[-1]["rx_packets_total"] == total
assert sum(r["stamped"] for r in caps) == s["stamped"]
for r in caps:
    if r["elapsed_ns"]:
        assert abs(r["rx_pps"] - r["rx_packets"] * 1e9 / r["elapsed_ns"]) < 0.002, r
PY

# Every stream's counts and latency against tshark's decoding of tcpdump's file.
"${CHECK[@]}" streams "$NR_TMP/stats.out" "$NR_TMP/ref.pcap" 9 || soft_fail "streams differ from tcpdump's capture"
# And against what was done on purpose.
"${CHECK[@]}" expect "$NR_TMP/stats.out" 1 rx_packets_total=2000 lost=0 duplicated=0 reordered=0 late=0 || soft_fail "stream 1"
"${CHECK[@]}" expect "$NR_TMP/stats.out" 2 rx_packets_total=920 lost=100 duplicated=20 reordered=40 || soft_fail "stream 2"
"${CHECK[@]}" expect "$NR_TMP/stats.out" 3 rx_packets_total=300 lost=0 || soft_fail "stream 3 (IPv6)"
"${CHECK[@]}" expect "$NR_TMP/stats.out" 4 rx_packets_total=700 lost=100 duplicated=0 || soft_fail "stream 4 (XDP drops)"
# The live counters saw the same drops through the driver's ethtool statistics.
python3 - "$NR_TMP/link.ndjson" <<'PY' || soft_fail "driver_rx_queue_0_xdp_drops of stats -i"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = sum(r.get("driver_rx_queue_0_xdp_drops", 0) for r in recs if r["type"] == "interval")
s = [r for r in recs if r["type"] == "summary"][0]
assert n == 100 and s["driver_rx_queue_0_xdp_drops"] == 100, (n, s.get("driver_rx_queue_0_xdp_drops"))
PY
"${CHECK[@]}" expect "$NR_TMP/stats.out" 5 rx_packets_total=500 lost=0 duplicated=0 reordered=50 || soft_fail "stream 5 (10 ms path)"
"${CHECK[@]}" expect "$NR_TMP/stats.out" 11 rx_packets_total=600 lost=0 duplicated=0 reordered=0 restarts=1 || soft_fail "stream 11 (a restart)"
python3 - "$NR_TMP/stats.out" <<'PY' || soft_fail "stream 5: latency of the 10 ms path"
import json, sys
s = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "stream_summary" and r["stream"] == 5][0]
# 10 ms, plus the veth and the sender's own time between stamping and sending.
assert 10_000_000 <= s["latency_median_ns"] < 20_000_000, s
PY

# --- a filter expression: only what it keeps is counted -----------------------
start_capture filtered "$NETRING" stats -i "$NR_IF_B" --capture --format json -- udp dst port 53
send --stream 7 -c 50 --port 53
send --stream 8 -c 70
sleep 0.3
stop_capture "$CAP_PID" INT
python3 - "$NR_TMP/filtered.out" <<'PY' || soft_fail "filter expression"
import json, sys
s = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "summary"][0]
assert s["rx_packets"] == 50 and s["stamped"] == 0, s
PY

# --- xdp-tx --proto eth: the stamp right after the Ethernet header counts too --
start_capture eth "$NETRING" stats -i "$NR_IF_B" --capture --format json
in_a "$NETRING" xdp-tx -i "$NR_IF_A" --proto eth --dst-mac "$NR_MAC_B" --stream 12 --count 300 --rate 20000 -q ||
    soft_fail "xdp-tx --proto eth exited $?"
sleep 0.3
stop_capture "$CAP_PID" INT
"${CHECK[@]}" expect "$NR_TMP/eth.out" 12 rx_packets_total=300 lost=0 duplicated=0 reordered=0 ||
    soft_fail "stream 12 (xdp-tx --proto eth)"

# --- --duration ends --capture by itself, with every frame of the run ----------
start_capture timed "$NETRING" stats -i "$NR_IF_B" --capture --interval 1 --duration 4 --format json
send --stream 10 -c 500 --rate 2000
wait_bg "$CAP_PID" 20
[ "$BG_RC" = 0 ] || soft_fail "--capture --duration 4 ended with $BG_RC: $(cat "$NR_TMP/timed.err")"
python3 - "$NR_TMP/timed.out" <<'PY' || soft_fail "--capture --duration 4"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
s = [r for r in recs if r["type"] == "summary"][0]
assert s["rx_packets"] == 500 and s["intervals"] == 4, s
caps = [r for r in recs if r["type"] == "capture"]
assert len(caps) == 4
# The run and its last interval end at --duration, not after the 70 ms
# spent collecting what the ring still held then.
assert 4e9 <= s["elapsed_ns"] < 4.04e9, s
assert caps[-1]["elapsed_ns"] < 1.04e9, caps[-1]
# ts_ns is when each interval ended, the last one's too: one elapsed_ns after
# the line before it (the clocks agree to well under 10 ms).
for prev, cur in zip(caps, caps[1:]):
    assert abs(cur["ts_ns"] - prev["ts_ns"] - cur["elapsed_ns"]) < 10e6, (prev, cur)
PY

# --- --backend xdp: the same counts through an AF_XDP socket -------------------
start_bg --out "$NR_TMP/xdp.out" --err "$NR_TMP/xdp.err" in_b "$NETRING" stats -i "$NR_IF_B" --capture --backend xdp --format json
XPID=$BG_PID
n=100
until in_b ip link show dev "$NR_IF_B" | has 'prog/xdp'; do
    n=$((n - 1))
    if [ $n -le 0 ] || ! kill -0 "$XPID" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
# AF_XDP on veth is what capture_threads and xdp_socket rely on too: a stats
# that cannot attach here is broken, not the machine.
if ! kill -0 "$XPID" 2>/dev/null || [ $n -le 0 ]; then
    stop_capture "$XPID" INT
    soft_fail "stats --backend xdp did not attach its XDP program (exit $BG_RC): $(head -n 2 "$NR_TMP/xdp.err")"
else
    send --stream 6 -c 500 --rate 2000
    sleep 0.5
    stop_capture "$XPID" INT
    [ "$BG_RC" = 0 ] || soft_fail "stats --backend xdp ended with $BG_RC: $(cat "$NR_TMP/xdp.err")"
    "${CHECK[@]}" expect "$NR_TMP/xdp.out" 6 rx_packets_total=500 lost=0 duplicated=0 reordered=0 || soft_fail "--backend xdp"
    grep -q '"type":"summary".*"backend":"xdp"' "$NR_TMP/xdp.out" || soft_fail "--backend xdp summary"
fi

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
