#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Several capture threads into one file: AF_PACKET fanout (--threads) and AF_XDP queues (--queues) on a 4-queue veth.
#
# The sender's frames spread over the veth's 4 queues (the kernel picks a TX
# queue per flow, and native XDP on the peer sees it as the same RX queue) and
# over the fanout group's sockets (by flow hash, or round robin with lb). Each
# run checks, through libpcap (tcpdump -r) and tshark: every frame sent is in
# the file exactly once, in non-decreasing timestamp order; frames came from
# more than one socket; each socket has its IDB and its ISB; the per-socket
# lines (-v) add up to the total; epb_hash (fanout hash) or epb_queue (AF_XDP)
# is on every frame; and with the capture stopped while frames come, the
# drops are on epb_dropcount and add up to the kernel's count.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos
nr_setup --queues 4
nr_require_netring

N=4000
ISB="$NR_LIB_DIR/pcapng_isb.py"
SEND_EXTRA=()

# start_netring LABEL READY_REGEX NETRING_CAPTURE_ARGS...: netring capture on
# NR_IF_B in the background, its log in $NR_TMP/LABEL/err; returns once
# READY_REGEX is in the log, with netring's pid in PID.
start_netring() {
    local label=$1 ready=$2 dir="$NR_TMP/$1"
    shift 2
    mkdir -p "$dir"
    start_bg --out "$dir/out" --err "$dir/err" in_b "$NETRING" --log-level info capture -i "$NR_IF_B" "$@"
    PID=$BG_PID
    wait_line "$dir/err" "$ready" 10 || { sed 's/^/    | /' "$dir/err" >&2; fail "$label: netring did not become ready"; }
}

# stop_beside_tcpdump LABEL PID TCPDUMP_PID: SIGINT to netring once its last
# ring blocks have retired (their timeout is 50 ms), then to tcpdump.
stop_beside_tcpdump() {
    sleep 1
    stop_capture "$2" INT
    [ "$BG_RC" = 0 ] || soft_fail "$1: netring exited $BG_RC after SIGINT"
    stop_capture "$3" INT
}

# capture_run LABEL SOCKETS READY_REGEX NETRING_CAPTURE_ARGS...: captures N
# frames of the mix into $NR_TMP/LABEL/out.pcapng with SIGINT at the end.
capture_run() {
    local label=$1 sockets=$2 ready=$3
    shift 3
    local dir="$NR_TMP/$label"
    mkdir -p "$dir"
    OUT="$dir/out.pcapng" SENT="$dir/sent.pcap" ERRF="$dir/err"
    nr_log "--- $label: netring capture $*"
    start_netring "$label" "$ready" -w "$OUT" -v "$@"
    local pid=$PID
    send_mix --count "$N" --seed 11 --pcap "$SENT" -q "${SEND_EXTRA[@]}"
    # The last ring blocks retire within their 50 ms timeout.
    sleep 1
    stop_capture "$pid" INT
    [ "$BG_RC" = 0 ] || soft_fail "$label: exit $BG_RC after SIGINT (want 0)"

    local total lines sum
    total=$(stats_captured "$ERRF") || { soft_fail "$label: no summary line"; return; }
    [ "$total" = "$N" ] || soft_fail "$label: summary says $total packets captured, $N were sent"
    lines=$(grep -cE '^  (socket|queue) [0-9]+: [0-9]+ packets captured' "$ERRF")
    [ "$lines" = "$sockets" ] || soft_fail "$label: $lines per-socket lines with -v, want $sockets"
    sum=$(grep -oE '^  (socket|queue) [0-9]+: [0-9]+' "$ERRF" | awk '{ s += $NF } END { print s + 0 }')
    [ "$sum" = "$total" ] || soft_fail "$label: per-socket lines add up to $sum, the total is $total"
}

# same_frames: the file holds exactly the frames sent, each once (libpcap's view).
same_frames() {
    local label=$1 dir="$NR_TMP/$1"
    tcpdump_frames "$SENT" | sort >"$dir/sent.txt"
    tcpdump_frames "$OUT" | sort >"$dir/got.txt"
    if ! cmp -s "$dir/sent.txt" "$dir/got.txt"; then
        show_diff "$dir/sent.txt" "$dir/got.txt" sent netring
        soft_fail "$label: the frames in the file are not the frames sent, each once"
    fi
}

in_order() {
    local label=$1 back
    back=$(tcpdump_times "$OUT" | awk 'NR > 1 && $1 < prev { n++ } { prev = $1 } END { print n + 0 }')
    [ "$back" = 0 ] || soft_fail "$label: $back frames have an earlier timestamp than the frame before them"
}

# well_formed LABEL SOCKETS: tshark reads it cleanly; one IDB and one ISB per
# socket, the interface's own counters in the first ISB only; frames from
# more than one socket.
well_formed() {
    local label=$1 sockets=$2 dir="$NR_TMP/$1" err idbs used isbs
    err=$(tshark -r "$OUT" -q 2>&1 | grep -v 'Running as user "root"')
    [ -z "$err" ] || soft_fail "$label: tshark: $err"
    idbs=$(capinfos -I "$OUT" 2>/dev/null | grep -c 'Interface #')
    [ "$idbs" = "$sockets" ] || soft_fail "$label: capinfos sees $idbs interfaces, want one per socket ($sockets)"
    used=$(tshark -r "$OUT" -T fields -e frame.interface_id 2>/dev/null | sort -u | wc -l)
    [ "$used" -ge 2 ] || soft_fail "$label: every frame came from one socket; the traffic was not spread"
    python3 "$ISB" "$OUT" >"$dir/isb.txt" || soft_fail "$label: pcapng_isb.py: bad block structure"
    isbs=$(grep -c '^isb ' "$dir/isb.txt")
    [ "$isbs" = "$sockets" ] || soft_fail "$label: $isbs ISBs, want one per socket ($sockets)"
    [ "$(grep -c 'ifrecv=' "$dir/isb.txt")" = 1 ] || soft_fail "$label: interface counters not in exactly one ISB"
    # Each socket's ISB counts what that socket delivered.
    local i want got
    for ((i = 0; i < sockets; i++)); do
        want=$(tshark -r "$OUT" -Y "frame.interface_id == $i" 2>/dev/null | wc -l)
        got=$(grep "^isb iface=$i " "$dir/isb.txt" | grep -oE 'usrdeliv=[0-9]+' | cut -d= -f2)
        [ "$got" = "$want" ] || soft_fail "$label: ISB of interface $i says usrdeliv=$got, the file has $want of its frames"
    done
}

# udp_to_64_ports RUNNER ADDRESS SIZE: a SIZE-byte UDP datagram to each of
# ports 40000-40063 of ADDRESS (64 flows), sent from RUNNER's namespace
# (in_a or in_b).
udp_to_64_ports() {
    "$1" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(40000, 40064):
    s.sendto(bytes(int(sys.argv[2])), (sys.argv[1], port))' "$2" "$3"
}

opt() { grep -E "^$1=" "$NR_TMP/$2/isb.txt" | cut -d= -f2; }

READY_PACKET='TPACKET_V3 rings'
READY_XDP='frames received on these queues go to netring'

# 1. Fanout by flow hash, 4 sockets.
capture_run hash4 4 "$READY_PACKET" --threads 4
same_frames hash4
in_order hash4
well_formed hash4 4
[ "$(opt epb_hash_count hash4)" = "$N" ] || soft_fail "hash4: epb_hash on $(opt epb_hash_count hash4) of $N frames"

# 1b. IP fragments under the flow hash: written as the wire carried them (the
# kernel reassembles them for a group with PACKET_FANOUT_FLAG_DEFRAG, which
# once wrote one 4042-byte frame for three), each datagram's on one socket.
dir="$NR_TMP/frags"
mkdir -p "$dir"
start_capture frags.tcpdump tcpdump -i "$NR_IF_B" -U -w "$dir/sent.pcap"
td=$CAP_PID
start_netring frags "$READY_PACKET" -w "$dir/out.pcapng" --threads 4
pid=$PID
udp_to_64_ports in_a "$NR_IP_B" 4000 || fail "frags: cannot send the datagrams"
wait_frames "$dir/sent.pcap" 192 10 >/dev/null || fail "harness: tcpdump saw fewer than 64 datagrams of 3 fragments"
stop_beside_tcpdump frags "$pid" "$td"
cmp -s <(tcpdump_frames "$dir/sent.pcap" | sort) <(tcpdump_frames "$dir/out.pcapng" | sort) ||
    soft_fail "frags: the frames differ from tcpdump's ($(tshark -r "$dir/out.pcapng" -Y 'frame.len > 1514' 2>/dev/null | wc -l) frames longer than the MTU)"
split=$(tshark -r "$dir/out.pcapng" -Y 'ip.flags.mf == 1 || ip.frag_offset > 0' -T fields -e ip.id -e frame.interface_id 2>/dev/null |
    sort -u | awk '{ n[$1]++ } END { for (id in n) if (n[id] > 1) s++; print s + 0 }')
[ "$split" = 0 ] || soft_fail "frags: $split datagrams have fragments on more than one socket"

# 2. Round robin over 2 sockets: spread whatever the flows.
capture_run lb2 2 "$READY_PACKET" --threads 2 --fanout lb
same_frames lb2
in_order lb2
well_formed lb2 2
[ "$(opt epb_hash_count lb2)" = 0 ] || soft_fail "lb2: epb_hash without fanout hash"

# 2b. Periodic ISBs while frames come: none counts more frames delivered than
# its socket had accepted. The threads' own counter snapshots lag by up to
# 200 ms, so netring asks them for fresh ones before it writes an ISB.
SEND_EXTRA=(--gap 0.0005)
capture_run isb2 2 "$READY_PACKET" --threads 2 --stats-interval 0.3
SEND_EXTRA=()
same_frames isb2
python3 "$ISB" "$OUT" >"$NR_TMP/isb2/isb.txt" || soft_fail "isb2: pcapng_isb.py cannot read the file"
python3 - "$NR_TMP/isb2/isb.txt" <<'PY' || soft_fail "isb2: periodic ISBs: $(grep '^isb ' "$NR_TMP/isb2/isb.txt" | head -n 4 | tr '\n' ' ')"
import sys
isbs = [dict(kv.split("=") for kv in l.split()[1:]) for l in open(sys.argv[1]) if l.startswith("isb ")]
assert len(isbs) >= 8, f"{len(isbs)} ISBs: want 2 sockets x 4 or more while 2 s of frames came"
bad = [i for i in isbs if int(i["usrdeliv"]) > int(i["filteraccept"])]
assert not bad, bad[:2]
PY

# 2c. The same for the ISBs that close each file of a rotation, which used to
# pair the threads' lagging snapshots with live delivered counts. The files
# together hold every frame once.
SEND_EXTRA=(--gap 0.0005)
capture_run rot2 2 "$READY_PACKET" --threads 2 -b packets:500
SEND_EXTRA=()
rot_files=("$NR_TMP"/rot2/out_*.pcapng)
[ "${#rot_files[@]}" -ge 8 ] || soft_fail "rot2: ${#rot_files[@]} files, want $((N / 500)) of 500 frames"
tcpdump_frames "$SENT" | sort >"$NR_TMP/rot2/sent.txt"
for f in "${rot_files[@]}"; do tcpdump_frames "$f"; done | sort >"$NR_TMP/rot2/got.txt"
cmp -s "$NR_TMP/rot2/sent.txt" "$NR_TMP/rot2/got.txt" || soft_fail "rot2: the files together do not hold the frames sent, each once"
for f in "${rot_files[@]}"; do python3 "$ISB" "$f" | sed "s|^isb |isb file=${f##*/} |"; done >"$NR_TMP/rot2/isb.txt" ||
    soft_fail "rot2: pcapng_isb.py cannot read the files"
python3 - "$NR_TMP/rot2/isb.txt" "${#rot_files[@]}" <<'PY' || soft_fail "rot2: closing ISBs: $(grep '^isb ' "$NR_TMP/rot2/isb.txt" | head -n 4 | tr '\n' ' ')"
import sys
isbs = [dict(kv.split("=", 1) for kv in l.split()[1:]) for l in open(sys.argv[1]) if l.startswith("isb ")]
assert len(isbs) == 2 * int(sys.argv[2]), f"{len(isbs)} ISBs in {sys.argv[2]} files: want one per socket in each"
bad = [i for i in isbs if int(i["usrdeliv"]) > int(i["filteraccept"])]
assert not bad, bad[:2]
PY

# 2d. -Q out with threads: only user space tells the direction, and does so
# in the writer, as it reads the ring blocks that the threads lend it. The
# file holds what tcpdump -Q out sees at the same time, and the inbound
# frames filtered out are in no socket's filteraccept.
dir="$NR_TMP/out2"
mkdir -p "$dir"
nr_log "--- out2: netring capture --threads 2 -Q out"
start_capture out2.tcpdump tcpdump -i "$NR_IF_B" -Q out -U -w "$dir/want.pcap"
td=$CAP_PID
start_netring out2 "$READY_PACKET" -w "$dir/o.pcapng" --threads 2 -Q out
pid=$PID
send_mix --count "$N" --seed 19 -q
udp_to_64_ports in_b "$NR_IP_A" 100 || fail "out2: cannot send from $NR_IF_B"
wait_frames "$dir/want.pcap" 64 10 >/dev/null || fail "harness: tcpdump -Q out saw fewer than 64 frames"
stop_beside_tcpdump out2 "$pid" "$td"
tcpdump_frames "$dir/want.pcap" | sort >"$dir/want.txt"
tcpdump_frames "$dir/o.pcapng" | sort >"$dir/got.txt"
if ! cmp -s "$dir/want.txt" "$dir/got.txt"; then
    show_diff "$dir/want.txt" "$dir/got.txt" tcpdump netring
    soft_fail "out2: the file is not what tcpdump -Q out captured"
fi
kept=$(pcap_count "$dir/o.pcapng")
python3 "$ISB" "$dir/o.pcapng" >"$dir/isb.txt" || soft_fail "out2: pcapng_isb.py cannot read the file"
accepted=$(grep -oE 'filteraccept=[0-9]+' "$dir/isb.txt" | cut -d= -f2 | awk '{ s += $1 } END { print s + 0 }')
[ "$accepted" = "$kept" ] ||
    soft_fail "out2: the ISBs' filteraccept add up to $accepted; -Q out kept $kept frames"

# 3. As they come: every frame once, order not promised.
capture_run unordered 4 "$READY_PACKET" --threads 4 --unordered
same_frames unordered
well_formed unordered 4

# 4. AF_XDP, one socket per queue over one UMEM.
capture_run xdp 4 "$READY_XDP" --backend xdp --queues all
same_frames xdp
in_order xdp
well_formed xdp 4
[ "$(opt epb_queue_count xdp)" = "$N" ] || soft_fail "xdp: epb_queue on $(opt epb_queue_count xdp) of $N frames"
# Each frame's queue is its socket's queue.
mismatch=$(tshark -r "$OUT" -T fields -e frame.interface_id -e frame.interface_queue 2>/dev/null | awk '$1 != $2' | wc -l)
[ "$mismatch" = 0 ] || soft_fail "xdp: $mismatch frames whose epb_queue is not their socket's queue"
grep -q "AF_XDP queue 2" <(capinfos -I "$OUT" 2>/dev/null) || soft_fail "xdp: the IDBs do not describe their queues"

# 4b. Jumbo frames on every queue: the UMEM's first socket binds with
# XDP_USE_SG and the sockets sharing it inherit it, so each queue's socket
# gets 8900-byte frames in pieces that netring joins.
ip -n "$NR_NS_A" link set "$NR_IF_A" mtu 9000 && ip -n "$NR_NS_B" link set "$NR_IF_B" mtu 9000 ||
    fail "harness: cannot set MTU 9000 on the veth pair"
N_ALL=$N N=400 SEND_EXTRA=(--size 8900)
capture_run xdp-jumbo 4 "$READY_XDP" --backend xdp --queues all
same_frames xdp-jumbo
in_order xdp-jumbo
well_formed xdp-jumbo 4
N=$N_ALL SEND_EXTRA=()
ip -n "$NR_NS_A" link set "$NR_IF_A" mtu 1500 && ip -n "$NR_NS_B" link set "$NR_IF_B" mtu 1500 ||
    fail "harness: cannot set the MTU back to 1500"

# 5. -c with threads: exactly COUNT frames, a valid file.
dir="$NR_TMP/count"
mkdir -p "$dir"
start_netring count "$READY_PACKET" -w "$dir/c.pcapng" --threads 3 -c 1000 -v
pid=$PID
send_mix --count 3000 --seed 5 -q
wait_bg "$pid" 20
[ "$BG_RC" = 0 ] || soft_fail "count: exit $BG_RC with -c 1000 (want 0)"
got=$(pcap_count "$dir/c.pcapng")
[ "$got" = 1000 ] || soft_fail "count: -c 1000 with 3 threads wrote $got frames"
# The sockets' own counts add up to the file too: a frame offered after the
# count was reached, and refused, once counted as delivered.
sum=$(grep -oE '^  socket [0-9]+: [0-9]+' "$dir/err" | awk '{ s += $NF } END { print s + 0 }')
isb_sum=$(python3 "$ISB" "$dir/c.pcapng" | grep -oE 'usrdeliv=[0-9]+' | cut -d= -f2 | awk '{ s += $1 } END { print s + 0 }')
[ "$sum" = 1000 ] && [ "$isb_sum" = 1000 ] ||
    soft_fail "count: the sockets' lines add up to $sum and their ISBs' usrdeliv to $isb_sum; the file has 1000"

# 6. Rotation with threads: whole files, each with its IDBs and ISBs, that
# together hold every frame once.
dir="$NR_TMP/rot"
mkdir -p "$dir"
start_netring rot "$READY_PACKET" -w "$dir/r.pcapng" --threads 2 -b packets:1000
pid=$PID
send_mix --count 3500 --seed 13 --pcap "$dir/sent.pcap" -q
sleep 1
stop_capture "$pid" INT
[ "$BG_RC" = 0 ] || soft_fail "rotation: exit $BG_RC after SIGINT"
files=("$dir"/r_*.pcapng)
[ "${#files[@]}" = 4 ] || soft_fail "rotation: ${#files[@]} files for 3500 frames of 1000 per file (want 4)"
for i in "${!files[@]}"; do
    f=${files[$i]} want=1000
    [ "$i" = 3 ] && want=500
    [ "$(pcap_count "$f")" = "$want" ] || soft_fail "rotation: $(basename "$f") holds $(pcap_count "$f") frames, not $want"
    [ "$(python3 "$ISB" "$f" | grep -c '^isb ')" = 2 ] || soft_fail "rotation: $(basename "$f") lacks an ISB per socket"
done
tcpdump_frames "$dir/sent.pcap" | sort >"$dir/sent.txt"
for f in "${files[@]}"; do tcpdump_frames "$f"; done | sort >"$dir/got.txt"
cmp -s "$dir/sent.txt" "$dir/got.txt" || soft_fail "rotation: the files together are not the frames sent, each once"

# 7. Drops on record: the rings of a stopped capture overflow. Each socket
# puts the drops on its next frame's epb_dropcount, and they add up to what
# the kernel counted; frames in the file plus drops are the frames sent.
# AFTER_DROPS sends the frames that follow the drops (default: more of the
# mix, all kept).
more_of_the_mix() { send_mix --count 400 --seed 19 -q; }
drops_case() {
    local label=$1 ready=$2 dir="$NR_TMP/$1"
    shift 2
    mkdir -p "$dir"
    nr_log "--- $label: netring capture -B 256 $* (stopped while 6000 frames arrive)"
    start_netring "$label" "$ready" -w "$dir/d.pcapng" -B 256 -v "$@"
    local pid=$PID dropped captured sum
    kill -STOP "$pid"
    send_mix --count 6000 --seed 17 -q
    kill -CONT "$pid"
    sleep 0.5
    # Frames after the drops, on every socket, to carry their counts.
    "${AFTER_DROPS:-more_of_the_mix}"
    sleep 1
    stop_capture "$pid" INT
    [ "$BG_RC" = 0 ] || soft_fail "$label: exit $BG_RC after SIGINT"
    dropped=$(sed -nE 's/.* ([0-9]+) dropped by kernel, [0-9]+ dropped by interface$/\1/p' "$dir/err" | tail -n 1)
    captured=$(pcap_count "$dir/d.pcapng")
    sum=$(python3 "$ISB" "$dir/d.pcapng" | sed -n 's/^epb_dropcount_sum=//p')
    nr_log "$label: $captured captured, $dropped dropped by kernel, epb_dropcount adds up to $sum"
    [ "${dropped:-0}" -gt 0 ] || soft_fail "$label: no drops although the capture was stopped while 6000 frames came"
    [ "$sum" = "$dropped" ] || soft_fail "$label: epb_dropcount adds up to $sum, the kernel dropped $dropped"
    if [ -n "${AFTER_DROPS:-}" ]; then
        [ "$captured" -ge 64 ] || soft_fail "$label: $captured frames captured, fewer than the 64 sent after the drops"
    elif [ $((captured + ${dropped:-0})) != 6400 ]; then
        soft_fail "$label: $captured captured + $dropped dropped is not the 6400 sent"
    fi
}
drops_case drops-lb "$READY_PACKET" --threads 2 --fanout lb
drops_case drops-xdp "$READY_XDP" --backend xdp --queues all
# -Q out, applied as the writer reads the threads' lent blocks, rejects
# every incoming frame: those that filled the rings and those in the next
# block, the one that reports the drops (TP_STATUS_LOSING). The drops wait
# for the first outgoing frame on each socket (lb deals the 64 to both). -s 2000:
# with the full snap length, 256 KiB make two blocks, too few to lend.
incoming_then_outgoing() {
    send_mix --count 200 --seed 23 -q
    sleep 0.5
    udp_to_64_ports in_b "$NR_IP_A" 100
}
AFTER_DROPS=incoming_then_outgoing drops_case drops-out "$READY_PACKET" --threads 2 --fanout lb -Q out -s 2000

# 8. Usage errors: one line, exit 2.
run_nr bad-threads "$NETRING" capture -i "$NR_IF_B" --backend xdp --threads 2 -w /dev/null
expect_error bad-threads 2 'threads' 'queues'
run_nr bad-fanout "$NETRING" capture -i "$NR_IF_B" --fanout lb -w /dev/null
expect_error bad-fanout 2 'fanout needs --threads'
run_nr bad-queue "$NETRING" capture -i "$NR_IF_B" --backend xdp --queues 2-7 -w /dev/null
expect_error bad-queue nonzero 'queue'

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass "fanout and AF_XDP queues: every frame once, in order, per-socket IDBs and ISBs"
