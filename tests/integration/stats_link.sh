#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring stats -i: exact counts and rates of a paced sender, JSON/CSV/text output, --count/--duration, a pipe, interfaces that go away.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require python3
nr_setup
nr_require_netring
CHECK=(python3 "$NR_LIB_DIR/stats_check.py")

sysfs() { in_b cat "/sys/class/net/$NR_IF_B/statistics/$1"; }

# send N RATE: stamped 60-byte frames from A to B (to an address nobody has, so B stays silent).
send() {
    in_a python3 "$NR_LIB_DIR/stamp_sender.py" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --src-ip "$NR_IP_A" \
        --dst-ip "$NR_NET.99" -c "$1" --rate "$2" >"$NR_TMP/sender.json" || fail "stamp_sender failed"
    SENT_RATE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rate_pps"])' "$NR_TMP/sender.json")
}

# wait_lines FILE N: until FILE has N lines (10 s at most).
wait_lines() {
    local n=100 have
    while have=$(grep -c . "$1" 2>/dev/null); [ "${have:-0}" -lt "$2" ]; do
        n=$((n - 1))
        [ $n -gt 0 ] || return 1
        sleep 0.1
    done
}

# --- 1000 frames at 500/s: exact totals, rates over real elapsed time --------
rx0=$(sysfs rx_packets)
start_bg --out "$NR_TMP/link.ndjson" --err "$NR_TMP/link.err" in_b "$NETRING" stats -i "$NR_IF_B,lo" --interval 0.25 --format json
STATS=$BG_PID
wait_lines "$NR_TMP/link.ndjson" 2 || fail "stats printed no interval line: $(cat "$NR_TMP/link.err")"
send 1000 500
sleep 0.6  # two more intervals, so the last frames are in a whole one
stop_capture "$STATS" INT
[ "$BG_RC" = 0 ] || soft_fail "stats -i ended with $BG_RC after SIGINT: $(cat "$NR_TMP/link.err")"
rx1=$(sysfs rx_packets)
[ $((rx1 - rx0)) = 1000 ] || soft_fail "the kernel's own counter (sysfs) moved by $((rx1 - rx0)), not 1000: the link was not quiet"
# What a script does: parse every line with a real JSON parser.
python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' <"$NR_TMP/link.ndjson" || soft_fail "output is not JSON lines"
"${CHECK[@]}" link "$NR_TMP/link.ndjson" "$NR_IF_B" 1000 60000 "$SENT_RATE" || soft_fail "live counters of $NR_IF_B"
python3 - "$NR_TMP/link.ndjson" <<'PY' || soft_fail "lo should have counted nothing, in as many intervals"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
lo = [r for r in recs if r["interface"] == "lo"]
s = [r for r in lo if r["type"] == "summary"][0]
assert s["rx_packets"] == 0 and s["tx_packets"] == 0 and s["gone"] is False, s
veth = [r for r in recs if r["type"] == "interval" and r["interface"] != "lo"]
assert len([r for r in lo if r["type"] == "interval"]) == len(veth)
# veth reports per-queue XDP counters through ethtool: they are there by default.
assert "driver_rx_queue_0_xdp_packets" in veth[0], sorted(veth[0])
PY

# --- --count N: exactly N intervals and a summary; CSV with one header -------
"$NETRING" stats -i lo --interval 0.1 --count 3 --format csv >"$NR_TMP/count.csv" 2>"$NR_TMP/count.err" ||
    soft_fail "--count 3 --format csv failed: $(cat "$NR_TMP/count.err")"
"${CHECK[@]}" csv "$NR_TMP/count.csv" 4 || soft_fail "CSV of --count 3"
grep -c '^interval,' "$NR_TMP/count.csv" | has -x 3 || soft_fail "--count 3 gave $(grep -c '^interval,' "$NR_TMP/count.csv") intervals"

# --- --duration: the last interval ends at the duration ----------------------
"$NETRING" stats -i lo --interval 0.2 --duration 0.5 --format json >"$NR_TMP/dur.ndjson" ||
    soft_fail "--duration 0.5 failed"
python3 - "$NR_TMP/dur.ndjson" <<'PY' || soft_fail "--duration 0.5 --interval 0.2"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
iv = [r for r in recs if r["type"] == "interval"]
assert len(iv) == 3, [r["elapsed_ns"] for r in iv]
# Ticks fall on deadlines and never early: 0.2, 0.4, then the end at 0.5.
assert sum(r["elapsed_ns"] for r in iv) >= 500_000_000, [r["elapsed_ns"] for r in iv]
assert iv[-1]["elapsed_ns"] < iv[0]["elapsed_ns"], [r["elapsed_ns"] for r in iv]
PY

# --- queues added mid-run: the driver's counters are learnt again ------------
# A veth of its own, in B, with room for 4 queues and 1 in use at first.
MQ_IF=${NR_IF_B}q
in_b ip link add "$MQ_IF" numrxqueues 4 numtxqueues 4 type veth peer name "${NR_IF_B}r" numrxqueues 4 numtxqueues 4 ||
    fail "harness: cannot make a 4-queue veth"
in_b ethtool -L "$MQ_IF" rx 1 tx 1 || fail "harness: ethtool -L $MQ_IF rx 1 tx 1"
start_bg --out "$NR_TMP/mq.ndjson" --err "$NR_TMP/mq.err" in_b "$NETRING" stats -i "$MQ_IF" --interval 0.2 --format json
MQ=$BG_PID
wait_lines "$NR_TMP/mq.ndjson" 2 || fail "stats -i $MQ_IF printed no interval line: $(cat "$NR_TMP/mq.err")"
in_b ethtool -L "$MQ_IF" rx 4 tx 4 || fail "harness: ethtool -L $MQ_IF rx 4 tx 4"
wait_lines "$NR_TMP/mq.ndjson" $(($(grep -c . "$NR_TMP/mq.ndjson") + 3)) || soft_fail "stats -i $MQ_IF stopped printing"
stop_capture "$MQ" INT
[ "$BG_RC" = 0 ] || soft_fail "stats -i $MQ_IF ended with $BG_RC: $(cat "$NR_TMP/mq.err")"
grep -q 'no longer shown' "$NR_TMP/mq.err" && soft_fail "driver counters dropped: $(cat "$NR_TMP/mq.err")"
python3 - "$NR_TMP/mq.ndjson" <<'PY' || soft_fail "driver counters across ethtool -L rx 4"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
iv = [r for r in recs if r["type"] == "interval"]
summ = [r for r in recs if r["type"] == "summary"][0]
assert "driver_rx_queue_0_xdp_packets" in iv[0] and "driver_rx_queue_3_xdp_packets" not in iv[0], sorted(iv[0])
assert "driver_rx_queue_3_xdp_packets" in iv[-1], sorted(iv[-1])
assert "driver_rx_queue_0_xdp_packets" in summ and "driver_rx_queue_3_xdp_packets" in summ, sorted(summ)
PY
in_b ip link del "$MQ_IF"

# --- text: a header, then one aligned row per interval ----------------------
"$NETRING" stats -i lo --interval 0.1 --count 2 >"$NR_TMP/text.out" || soft_fail "text output failed"
head -n 1 "$NR_TMP/text.out" | has -E '^ *time +interface +rx pps +rx bit/s' || soft_fail "text header: $(head -n 1 "$NR_TMP/text.out")"
[ "$(grep -cE '^[0-9:.]+ +lo ' "$NR_TMP/text.out")" = 2 ] || soft_fail "text rows: $(cat "$NR_TMP/text.out")"
grep -q '^summary lo$' "$NR_TMP/text.out" || soft_fail "text summary block missing"

# --- a pipe sees each line when it is made; a reader that leaves ends netring --
# With --interval 2 the first line is due after 2 s; a block-buffered
# writer would hold it until several lines filled its buffer.
exec 3< <(
    "$NETRING" stats -i lo --interval 2 --format json
    echo $? >"$NR_TMP/pipe.rc"
)
PIPE_PID=$!
NR_BG_PIDS+=("$PIPE_PID")
if IFS= read -r -t 4 first <&3; then
    grep -q '"type":"interval"' <<<"$first" || soft_fail "first line from the pipe: $first"
else
    soft_fail "no line through the pipe within 4 s at --interval 2: output is not flushed per line"
fi
exec 3<&-
# Its reader gone, netring stops at its next line (EPIPE) with status 0.
if nr_wait_gone "$PIPE_PID" 60; then
    rc=$(cat "$NR_TMP/pipe.rc" 2>/dev/null)
    [ "$rc" = 0 ] || soft_fail "stats ended with status '$rc' when its reader went away (want 0, not SIGPIPE's 141)"
else
    soft_fail "stats kept running after its reader went away"
fi

# --- an interface that goes away ends its series, not the program -----------
GONE="${NR_IF_B}g"
in_b ip link add "$GONE" type veth peer name "${NR_IF_B}h" || fail "cannot add a second veth pair in $NR_NS_B"
in_b ip link set "$GONE" up
start_bg --out "$NR_TMP/gone.ndjson" --err "$NR_TMP/gone.err" in_b "$NETRING" stats -i "$GONE,lo" --interval 0.2 --count 10 --format json
GPID=$BG_PID
wait_lines "$NR_TMP/gone.ndjson" 2 || fail "stats on $GONE printed nothing: $(cat "$NR_TMP/gone.err")"
in_b ip link del "$GONE"
wait_bg "$GPID" 20
[ "$BG_RC" = 0 ] || soft_fail "with lo still measured, stats should end normally, exit $BG_RC: $(cat "$NR_TMP/gone.err")"
python3 - "$NR_TMP/gone.ndjson" "$GONE" <<'PY' || soft_fail "a vanished interface"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
name = sys.argv[2]
gone = [i for i, r in enumerate(recs) if r["type"] == "gone"]
assert len(gone) == 1 and recs[gone[0]]["interface"] == name and "went away" in recs[gone[0]]["message"], recs
assert not [r for r in recs[gone[0]:] if r["type"] == "interval" and r["interface"] == name]
assert [r for r in recs[gone[0]:] if r["type"] == "interval" and r["interface"] == "lo"], "lo went on"
s = {r["interface"]: r for r in recs if r["type"] == "summary"}
assert s[name]["gone"] is True and s["lo"]["gone"] is False and s["lo"]["intervals"] == 10, s
PY

# When every interface is gone there is nothing left: exit 1.
in_b ip link add "$GONE" type veth peer name "${NR_IF_B}h" || fail "cannot re-add $GONE"
start_bg --out "$NR_TMP/gone2.ndjson" --err "$NR_TMP/gone2.err" in_b "$NETRING" stats -i "$GONE" --interval 0.2 --format json
GPID=$BG_PID
wait_lines "$NR_TMP/gone2.ndjson" 1 || fail "stats on $GONE printed nothing"
in_b ip link del "$GONE"
wait_bg "$GPID" 20
[ "$BG_RC" = 1 ] || soft_fail "every interface gone: exit $BG_RC, want 1"
grep -q '"type":"gone"' "$NR_TMP/gone2.ndjson" || soft_fail "no gone line"
[ "$(grep -c . "$NR_TMP/gone2.err")" = 1 ] || soft_fail "want one line on stderr: $(cat "$NR_TMP/gone2.err")"

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
