#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring replay of several files: each file keeps its own gaps under
# original timing, whatever its timestamps are beside the file before it
# (a day earlier, nine years later), as tcpreplay sends them; checked on the
# peer with tcpdump's arrival times. Errors about a frame name its file.
# Standard input ('-'), pipes and FIFOs are read once and work.
. "$(dirname "$0")/lib.sh"
nr_require tcpdump python3
nr_setup
nr_require_netring  # after nr_setup: tests its own copy of the binary

# write_pcap OUT FIRST_SEQ EPOCH GAP_MS N: N frames to B's MAC, the first at
# EPOCH seconds, GAP_MS apart, numbered from FIRST_SEQ in their payload.
write_pcap() {
    python3 - "$@" "$NR_MAC_A" "$NR_MAC_B" <<'PY' || fail "cannot write $1"
import struct, sys
out, seq, epoch, gap_ms, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
src, dst = (bytes.fromhex(m.replace(":", "")) for m in sys.argv[6:8])
recs = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for i in range(n):
    frame = dst + src + b"\x88\xb5" + (seq + i).to_bytes(4, "big") + bytes(42)
    us = epoch * 1_000_000 + i * gap_ms * 1000
    recs.append(struct.pack("<IIII", us // 1_000_000, us % 1_000_000, len(frame), len(frame)) + frame)
open(out, "wb").write(b"".join(recs))
PY
}

# capture_replay LABEL REPLAY_ARGS...: runs netring replay from A (at most
# 10 s) while tcpdump captures on B; leaves the arrival times in
# $NR_TMP/LABEL.times and the replay's exit status in RC.
capture_replay() {
    local label=$1 want
    shift
    NR_CAPTURE_FILTER=0 start_capture "tcpdump-$label" tcpdump -i "$NR_IF_B" -Q in -U \
        --time-stamp-precision=nano -w "$NR_TMP/got-$label.pcap"
    local cap=$CAP_PID
    start_bg --out "$NR_TMP/$label.out" --err "$NR_TMP/$label.err" in_a "$NETRING" replay -i "$NR_IF_A" "$@"
    wait_bg "$BG_PID" 10
    RC=$BG_RC
    want=$(grep -oE '^netring replay: [0-9]+ frames sent' "$NR_TMP/$label.err" | grep -oE '[0-9]+' | head -n 1)
    wait_frames "$NR_TMP/got-$label.pcap" "${want:-1}" 5 >/dev/null || true
    stop_capture "$cap"
    tcpdump_times "$NR_TMP/got-$label.pcap" >"$NR_TMP/$label.times"
    [ "$RC" = 0 ] || soft_fail "$label: replay exited $RC: $(cat "$NR_TMP/$label.err")"
}

# gaps_ok LABEL N WANT_MS...: the capture holds N frames whose gaps are WANT_MS
# (each within 40 ms, or 60% and 3 ms when WANT_MS is below 100: a loaded
# machine delays single frames; what is checked is 0 against 200, not 3 days).
gaps_ok() {
    python3 - "$NR_TMP/$1.times" "$@" <<'PY' || failures=$((failures + 1))
import sys
from decimal import Decimal
times = [Decimal(l) for l in open(sys.argv[1]) if l.strip()]
label, n, want = sys.argv[2], int(sys.argv[3]), [float(w) for w in sys.argv[4:]]
gaps = [float(b - a) * 1e3 for a, b in zip(times, times[1:])]
print(f"[replay_files] {label}: {len(times)} frames, gaps (ms) {' '.join(f'{g:.1f}' for g in gaps)}", file=sys.stderr)
ok = len(times) == n
for got, w in zip(gaps, want):
    ok = ok and abs(got - w) <= (40.0 if w >= 100 else 0.6 * w + 3)
if not ok:
    print(f"[replay_files] FAIL: {label}: want {n} frames with gaps (ms) {' '.join(sys.argv[4:])}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

day=86400
t0=1700000000
write_pcap "$NR_TMP/a.pcap" 0 $t0 100 4                     # gaps of 100 ms
write_pcap "$NR_TMP/earlier.pcap" 100 $((t0 - day)) 200 3   # a day before a.pcap, gaps of 200 ms
write_pcap "$NR_TMP/later.pcap" 200 $((t0 + 5)) 200 3       # 5 s after a.pcap began
write_pcap "$NR_TMP/years.pcap" 300 $((t0 + 9 * 365 * day)) 100 3

failures=0
# Original timing: the next file starts right after the last frame of the
# one before, then keeps its own gaps. Once: earlier.pcap went out as a
# burst, and later.pcap after a dead gap of 4.7 s.
capture_replay earlier -q "$NR_TMP/a.pcap" "$NR_TMP/earlier.pcap"
gaps_ok earlier 7 100 100 100 0 200 200
capture_replay later -q "$NR_TMP/a.pcap" "$NR_TMP/later.pcap"
gaps_ok later 7 100 100 100 0 200 200
# -K keeps the file boundaries too.
capture_replay preloaded -q -K "$NR_TMP/a.pcap" "$NR_TMP/earlier.pcap"
gaps_ok preloaded 7 100 100 100 0 200 200
# -x 10 on files nine years apart: once a wait of 3 days and a half.
capture_replay years -q -x 10 "$NR_TMP/a.pcap" "$NR_TMP/years.pcap"
gaps_ok years 7 10 10 10 0 10 10
# Loops restart the clock the same way.
capture_replay loops -q -l 2 "$NR_TMP/later.pcap" "$NR_TMP/earlier.pcap"
gaps_ok loops 12 200 200 0 200 200 0 200 200 0 200 200

# --oversize fail names the file and the frame's number in it, as errors
# about a damaged file do, and says what to do once. Once: "frame 6 is 1600
# bytes ... (MTU 1500) (the frame is larger than the interface MTU allows)".
python3 - "$NR_TMP/big.pcap" <<'PY' || fail "cannot write big.pcap"
import struct, sys
recs = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for i, size in enumerate((60, 1600, 60)):
    frame = b"\x02\x77\0\0\0\x0b\x02\x77\0\0\0\x0a\x88\xb5" + bytes(size - 14)
    recs.append(struct.pack("<IIII", 1_700_000_000, i, size, size) + frame)
open(sys.argv[1], "wb").write(b"".join(recs))
PY
for backend in xdp packet; do
    rc=0
    in_a "$NETRING" replay -i "$NR_IF_A" --backend "$backend" -t --oversize fail "$NR_TMP/a.pcap" "$NR_TMP/big.pcap" \
        >/dev/null 2>"$NR_TMP/oversize.err" || rc=$?
    line=$(tail -n 1 "$NR_TMP/oversize.err")
    want="netring replay: $NR_TMP/big.pcap: frame 2 is 1600 bytes, more than $NR_IF_A allows (MTU 1500); --oversize truncate or skip sends the rest"
    if [ "$rc" != 1 ] || [ "$line" != "$want" ]; then
        soft_fail "--backend $backend --oversize fail: exit $rc, last line: $line; want exit 1 and: $want"
    fi
done

# Standard input, pipes and FIFOs are read once, the check included. Once
# '-' was "File does not exist", /dev/stdin and <(...) sent nothing and
# said "not a pcap or pcapng file", and a FIFO hung on its second open.
# sent_by LABEL WANT CMD...: runs CMD (at most 10 s); exit 0 and WANT frames sent.
sent_by() {
    local label=$1 want=$2 got
    shift 2
    RC=0
    timeout 10 "$@" >"$NR_TMP/$label.json" 2>"$NR_TMP/$label.err" || RC=$?
    got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["frames_sent"])' "$NR_TMP/$label.json" 2>/dev/null)
    [ "$RC" = 0 ] && [ "$got" = "$want" ] ||
        soft_fail "$label: exit $RC, $got frames sent, want exit 0 and $want: $(head -n 2 "$NR_TMP/$label.err")"
}
replay_t=(ip netns exec "$NR_NS_A" "$NETRING" replay -i "$NR_IF_A" -t --json)
sent_by stdin-dash 4 "${replay_t[@]}" - <"$NR_TMP/a.pcap"
# An option given twice takes its last value, as in tcpreplay and tcpdump.
sent_by limit-twice 2 "${replay_t[@]}" -L 3 -L 2 "$NR_TMP/a.pcap"
sent_by stdin-pipe 7 bash -c 'a=$0 b=$1; shift; "$@" <(cat "$a") - <"$b"' "$NR_TMP/a.pcap" "$NR_TMP/later.pcap" \
    "${replay_t[@]}"
sent_by dev-stdin 4 bash -c 'cat "$0" | "$@" /dev/stdin' "$NR_TMP/a.pcap" "${replay_t[@]}"
mkfifo "$NR_TMP/fifo"
cat "$NR_TMP/a.pcap" >"$NR_TMP/fifo" &
sent_by fifo 4 "${replay_t[@]}" "$NR_TMP/fifo"
wait
# -K holds a pipe's frames for every loop; without it, a second pass is refused up front.
sent_by pipe-loops-preloaded 12 bash -c 'cat "$0" | "$@" -l 3 -K -' "$NR_TMP/a.pcap" "${replay_t[@]}"
run_nr pipe-loops bash -c 'a=$0 b=$1; shift; cat "$a" | "$@" -l 2 "$b" -' "$NR_TMP/a.pcap" "$NR_TMP/later.pcap" \
    "$NETRING" replay -i "$NR_IF_B" -t
expect_error pipe-loops 2 '^netring replay: -: standard input can be read only once.*-l 2.*save it to a file'
run_nr stdin-twice bash -c 'cat "$0" | "$@" - -' "$NR_TMP/a.pcap" "$NETRING" replay -i "$NR_IF_B" -t
expect_error stdin-twice 2 "'-' \\(standard input\\) is given more than once"

# A queue the veth lacks is a usage error about TX queues: once exit 1 and
# "bind AF_XDP socket ... (the interface has 1 RX queue): Invalid argument".
run_nr tx-queue "$NETRING" replay -i "$NR_IF_B" -t --queue 5 "$NR_TMP/a.pcap"
expect_error tx-queue 2 "^netring replay: $NR_IF_B has only 1 TX queue \(queue 0\): there is no queue 5$"

# -K over AF_XDP: the 256 MiB UMEM holds the TX slots' chunks too, so with
# --tx-slots 64 there is room for 131008 frames of 2048 bytes, not 131009.
# The warning once said "a 256 MiB UMEM (limit 256 MiB)", which reads as a fit.
python3 - "$NR_TMP/many.pcap" <<'PY' || fail "cannot write many.pcap"
import struct, sys
frame = b"\x02\x77\0\0\0\x0b\x02\x77\0\0\0\x0a\x88\xb5" + bytes(46)
rec = struct.pack("<IIII", 1_700_000_000, 0, len(frame), len(frame)) + frame
open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1) + rec * 131009)
PY
rc=0
in_a "$NETRING" replay -i "$NR_IF_A" -t -K -L 1 --tx-slots 64 "$NR_TMP/many.pcap" 2>"$NR_TMP/many.err" >/dev/null || rc=$?
grep -q '131009 preloaded frames and 64 TX slots would need a 262146 KiB UMEM (limit 262144 KiB, room for 131008' \
    "$NR_TMP/many.err" && [ "$rc" = 0 ] || soft_fail "-K over the UMEM limit: exit $rc: $(head -n 2 "$NR_TMP/many.err")"

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
