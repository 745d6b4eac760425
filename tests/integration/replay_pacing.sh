#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring replay -p 1000 --duration 2, with each backend: the receiver gets
# 2000 frames (within 2%), and the median gap between their arrival times
# (tcpdump's nanosecond timestamps) is within 10% of 1 ms. A functional check
# of the absolute schedule with generous bounds, not a benchmark: a loaded
# machine delays single frames, which moves neither the count nor the median.
. "$(dirname "$0")/lib.sh"
nr_require tcpdump python3
nr_setup
nr_require_netring  # after nr_setup: tests its own copy of the binary

# 3000 frames to B's MAC: more than two seconds' worth at 1000 pps.
replay_frames "$NR_TMP/frames.pcap" 3000 60 10000

failures=0
for backend in ${REPLAY_BACKENDS:-xdp packet}; do
    got=$NR_TMP/got-$backend.pcap
    NR_CAPTURE_FILTER=0 start_capture "tcpdump-$backend" tcpdump -i "$NR_IF_B" -Q in -B 16384 -U \
        --time-stamp-precision=nano -w "$got"
    pid=$CAP_PID
    rc=0
    in_a "$NETRING" replay -i "$NR_IF_A" --backend "$backend" -p 1000 --duration 2 --json "$NR_TMP/frames.pcap" \
        >"$NR_TMP/report-$backend.json" 2>"$NR_TMP/replay-$backend.err" || rc=$?
    [ "$rc" = 0 ] || { cat "$NR_TMP/replay-$backend.err" >&2; fail "replay --backend $backend exited $rc"; }
    wait_frames "$got" 1960 10 >/dev/null || true
    sleep 0.2
    stop_capture "$pid"
    tcpdump_times "$got" >"$NR_TMP/times-$backend.txt"
    python3 - "$NR_TMP/times-$backend.txt" "$backend" <<'PY' || failures=$((failures + 1))
import statistics, sys
from decimal import Decimal
times = [Decimal(l) for l in open(sys.argv[1]) if l.strip()]
backend = sys.argv[2]
n = len(times)
gaps = sorted(float(b - a) for a, b in zip(times, times[1:]))
median = statistics.median(gaps) if gaps else 0.0
p10, p90 = (gaps[len(gaps) // 10], gaps[len(gaps) * 9 // 10]) if gaps else (0, 0)
print(f"[replay_pacing] {backend}: {n} frames, median gap {median * 1e3:.4f} ms "
      f"(10%: {p10 * 1e3:.4f} ms, 90%: {p90 * 1e3:.4f} ms)", file=sys.stderr)
ok = True
if not 1960 <= n <= 2040:
    print(f"[replay_pacing] FAIL: {backend}: {n} frames arrived, want 2000 +- 2%", file=sys.stderr)
    ok = False
if not 0.0009 <= median <= 0.0011:
    print(f"[replay_pacing] FAIL: {backend}: median gap {median * 1e3:.4f} ms, want 1 ms +- 10%", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY
    nr_log "$backend: report $(cat "$NR_TMP/report-$backend.json")"
done

# A slow schedule (a frame every 20 s): --duration 1 ends after the first
# frame rather than wait for the second, and a SIGINT ends the wait at once.
# Both once waited the whole 20 s.
SECONDS=0
in_a "$NETRING" replay -i "$NR_IF_A" -p 0.05 --duration 1 "$NR_TMP/frames.pcap" >/dev/null 2>"$NR_TMP/slow.err" ||
    { nr_log "FAIL: -p 0.05 --duration 1 exited $?: $(cat "$NR_TMP/slow.err")"; failures=$((failures + 1)); }
[ "$SECONDS" -lt 10 ] || { nr_log "FAIL: -p 0.05 --duration 1 took $SECONDS s"; failures=$((failures + 1)); }
start_bg --out /dev/null --err "$NR_TMP/sigint.err" in_a "$NETRING" replay -i "$NR_IF_A" -p 0.05 "$NR_TMP/frames.pcap"
pid=$BG_PID
sleep 1
SECONDS=0
kill -INT "$pid"
wait_bg "$pid" 15
if [ "$BG_RC" != 0 ] || [ "$SECONDS" -ge 10 ] || ! grep -q '1 frames sent\|^1 ' "$NR_TMP/sigint.err"; then
    nr_log "FAIL: SIGINT in a 20 s wait: exit $BG_RC after $SECONDS s: $(tail -n 2 "$NR_TMP/sigint.err")"
    failures=$((failures + 1))
fi
# The status line on a terminal follows a slow replay: -p 20 for 2 s once
# showed "0 frames sent, 1 queued" throughout (it was redrawn every 256 frames).
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d[:24 + 40 * 76])' \
    "$NR_TMP/frames.pcap" "$NR_TMP/40.pcap"
shown=$(python3 - ip netns exec "$NR_NS_A" "$NETRING" replay -i "$NR_IF_A" -p 20 "$NR_TMP/40.pcap" <<'PY'
import os, pty, re, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
p.wait()
sent = [int(n) for n in re.findall(rb"\r\x1b\[K(\d+) frames sent, \d+ queued", out)]
print(max(sent) if sent else -1)
PY
)
if [ "${shown:--1}" -lt 10 ]; then
    nr_log "FAIL: -p 20 for 2 s on a terminal: the status line showed at most ${shown:-no} frames sent, want 10 or more"
    failures=$((failures + 1))
else
    nr_log "status line: up to $shown frames sent shown"
fi
[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
