#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring replay --backend packet on a link shaped with tc tbf: the final wait
# for the TX ring to drain goes on while frames keep leaving (a slow link is
# no error), and a stop by signal exits 0 with the frames left unsent
# counted, a second signal ending the wait at once.
. "$(dirname "$0")/lib.sh"
nr_require python3 tc
nr_setup
nr_require_netring  # after nr_setup: tests its own copy of the binary

replay_frames "$NR_TMP/frames.pcap" 6000 1000 1
python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], "rb").read()[:24 + 1500 * 1016])' \
    "$NR_TMP/frames.pcap" "$NR_TMP/1500.pcap"

shape() { in_a tc qdisc replace dev "$NR_IF_A" root tbf rate "$1" burst 10kb limit 20000kb || fail "tc tbf on $NR_IF_A failed"; }
rx_packets() { in_b cat "/sys/class/net/$NR_IF_B/statistics/rx_packets"; }
replay=("$NETRING" replay -i "$NR_IF_A" --backend packet -t)

failures=0
# 1500 frames of 1000 bytes at 4 Mbit/s take 3 s to leave, all queued at
# once: the wait once gave up after 2 s with "490 frames still queued", exit 1.
shape 4mbit
before=$(rx_packets)
SECONDS=0
start_bg --err "$NR_TMP/slow.err" in_a "${replay[@]}" "$NR_TMP/1500.pcap"
wait_bg "$BG_PID" 20
took=$SECONDS
sleep 0.2
got=$(($(rx_packets) - before))
if [ "$BG_RC" != 0 ] || [ "$got" != 1500 ] || ! grep -q '^netring replay: 1500 frames sent' "$NR_TMP/slow.err"; then
    soft_fail "slow link: exit $BG_RC after $took s, $got frames arrived, want exit 0 and 1500: $(cat "$NR_TMP/slow.err")"
else
    nr_log "slow link: 1500 frames in $took s, exit 0"
fi

# A signal while the ring holds thousands of frames: exit 0 within the two
# seconds' wait, and the report counts the frames left unsent. Once: exit 1,
# "3595 frames still queued on X after 2000 ms".
shape 2mbit
start_bg --err "$NR_TMP/int.err" in_a "${replay[@]}" "$NR_TMP/frames.pcap"
pid=$BG_PID
sleep 0.5
kill -INT "$pid"
SECONDS=0
wait_bg "$pid" 10
took=$SECONDS
if [ "$BG_RC" != 0 ] || [ "$took" -gt 4 ] || ! grep -qE '^netring replay: [0-9]+ queued frames not sent' "$NR_TMP/int.err" ||
    grep -q 'still queued' "$NR_TMP/int.err"; then
    soft_fail "SIGINT on a shaped link: exit $BG_RC after $took s, want exit 0 and the unsent frames counted: $(cat "$NR_TMP/int.err")"
else
    nr_log "SIGINT: exit 0 after $took s: $(tail -n 1 "$NR_TMP/int.err")"
fi

# A second signal ends the wait at once.
start_bg --err "$NR_TMP/int2.err" in_a "${replay[@]}" "$NR_TMP/frames.pcap"
pid=$BG_PID
sleep 0.5
kill -INT "$pid"
sleep 0.3
start=$(date +%s%N)
kill -INT "$pid"
wait_bg "$pid" 10
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$BG_RC" != 0 ] || [ "$ms" -gt 1000 ]; then
    soft_fail "second SIGINT: exit $BG_RC after $ms ms, want exit 0 at once: $(cat "$NR_TMP/int2.err")"
else
    nr_log "second SIGINT: exit 0 after $ms ms"
fi

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
