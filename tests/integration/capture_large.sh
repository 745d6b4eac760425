#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Jumbo frames (MTU 9000) and the kernel's GSO super-frames of a TCP stream reach the file whole, as tcpdump sees them.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos ss
nr_setup --mtu 9000
nr_require_netring

# tcpdump gets a big buffer: 2 MiB would drop 60 KiB frames itself.
start_capture td tcpdump -i "$NR_IF_B" -B 131072 -U --time-stamp-precision=nano -w "$NR_TMP/td.pcap"
td=$CAP_PID
start_capture nr "$NETRING" capture -i "$NR_IF_B" -q -w "$NR_TMP/nr.pcapng"
nr=$CAP_PID

# Jumbo frames of every kind, then the ordinary mix.
send_mix --count 48 --size 9014 --seed 41 --gap 0.0003 -q
send_mix --count 48 --seed 42 --gap 0.0003 -q

# A TCP stream through the kernel's own stack: veth keeps TSO/GSO super-frames
# whole, so frames far beyond the MTU (tens of KiB) show up on the capture.
# Both ends run on one CPU: a sender that transmits from two CPUs at once (its
# own and the one handling the ACKs) hands two segments to the receive path
# concurrently, and two packet sockets may then see them in either order.
cpu=$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')
start_bg --err "$NR_TMP/server.err" in_b taskset -c "$cpu" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5555))
s.listen(1)
c, _ = s.accept()
while c.recv(1 << 20):
    pass
' "$NR_IP_B"
server=$BG_PID
n=50
until in_b ss -ltn 2>/dev/null | has ":5555 "; do
    n=$((n - 1))
    [ $n -gt 0 ] || fail "harness: TCP sink did not listen"
    sleep 0.1
done
in_a taskset -c "$cpu" python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5555))
s.sendall(b"netring" * (600 * 1024))
s.close()
' "$NR_IP_B" || fail "harness: TCP stream failed"
wait_bg "$server" 10

sleep 1.5
stop_capture "$nr" INT
[ "$BG_RC" = 0 ] || soft_fail "netring exited $BG_RC after SIGINT"
stop_capture "$td" INT
grep -q '^0 packets dropped by kernel' "$NR_TMP/td.err" || fail "harness: tcpdump dropped frames: $(cat "$NR_TMP/td.err")"

big=$(tshark_lens "$NR_TMP/td.pcap" | awk '$1 > 9018' | wc -l)
jumbo=$(tshark_lens "$NR_TMP/td.pcap" | awk '$1 > 1518 && $1 <= 9018' | wc -l)
[ "$jumbo" -ge 36 ] || fail "harness: only $jumbo jumbo frames seen by tcpdump"
[ "$big" -ge 1 ] || nr_log "note: no GSO frame above 9018 bytes this time (the kernel segmented the stream)"

tshark_clean "$NR_TMP/nr.pcapng" || soft_fail "netring's file does not read cleanly"
# Each direction in order: two packet sockets may see an incoming frame and
# an outgoing ACK of the same microsecond in either order (they reach them on
# different paths), but never reorder one direction sent from one CPU.
for mac in "$NR_MAC_A" "$NR_MAC_B"; do
    tshark_lens "$NR_TMP/td.pcap" -Y "eth.src == $mac" >"$NR_TMP/td.lens"
    tshark_lens "$NR_TMP/nr.pcapng" -Y "eth.src == $mac" >"$NR_TMP/nr.lens"
    if ! cmp -s "$NR_TMP/td.lens" "$NR_TMP/nr.lens"; then
        show_diff "$NR_TMP/td.lens" "$NR_TMP/nr.lens" "tcpdump len caplen" "netring len caplen"
        soft_fail "frame lengths from $mac differ from tcpdump's"
    fi
    tcpdump_dump "$NR_TMP/td.pcap" ether src "$mac" >"$NR_TMP/td.txt"
    tcpdump_dump "$NR_TMP/nr.pcapng" ether src "$mac" >"$NR_TMP/nr.txt"
    if ! cmp -s "$NR_TMP/td.txt" "$NR_TMP/nr.txt"; then
        NR_DIFF_LINES=20 show_diff "$NR_TMP/td.txt" "$NR_TMP/nr.txt" tcpdump netring
        soft_fail "frames from $mac differ from tcpdump's"
    fi
done
# And the two together: the same frames, whatever the interleaving.
cmp -s <(tcpdump_frames "$NR_TMP/td.pcap" -q | sort) <(tcpdump_frames "$NR_TMP/nr.pcapng" -q | sort) ||
    soft_fail "the file does not hold the frames tcpdump saw"
tshark_lens "$NR_TMP/nr.pcapng" >"$NR_TMP/nr.lens"
captured=$(stats_captured "$NR_TMP/nr.err") || captured='(none)'
have=$(pcap_count "$NR_TMP/nr.pcapng")
[ "$captured" = "$have" ] || soft_fail "netring reports $captured captured, its file holds $have"

[ "$failures" = 0 ] || fail "$failures checks failed"
nr_log "$have frames identical to tcpdump's: $jumbo jumbo frames, $big GSO frames over 9018 bytes (largest $(sort -n "$NR_TMP/nr.lens" | tail -n 1 | cut -f1))"
pass
