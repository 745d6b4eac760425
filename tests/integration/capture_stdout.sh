#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Streams to stdout (-w - and no -w) read by tshark, a reader that closes early, -c COUNT and -s SNAPLEN.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos editcap ss
nr_setup
nr_require_netring

# sent_fields PCAP [COUNT]: what tshark reads from the sender's own record.
fields() { tshark -r "$@" -T fields -e frame.len -e frame.cap_len -e eth.src -e eth.dst -e eth.type -e vlan.id 2>/dev/null; }

# --- 1. -w - | tshark -r - --------------------------------------------------
# -c ends the capture, so the pipe closes by itself and tshark finishes.
N=120
start_bg --out "$NR_TMP/pipe.tshark" --err "$NR_TMP/pipe.err" in_b bash -c \
    '"$1" capture -i "$2" -q -c "$3" -w - | tshark -r - -T fields -e frame.len -e frame.cap_len -e eth.src -e eth.dst -e eth.type -e vlan.id 2>/dev/null
     echo "exit ${PIPESTATUS[*]}" >&2' _ "$NETRING" "$NR_IF_B" "$N"
pipe=$BG_PID
wait_capture_ready "$pipe" "$NR_NS_B" "$NR_IF_B" || { cat "$NR_TMP/pipe.err" >&2; fail "-w - | tshark: netring did not start capturing"; }
send_mix --count "$N" --seed 3 --gap 0.0003 --pcap "$NR_TMP/pipe.sent" -q
wait_bg "$pipe" 20
fields "$NR_TMP/pipe.sent" >"$NR_TMP/pipe.want"
status=$(sed -n 's/^exit //p' "$NR_TMP/pipe.err")
if [ "$status" != "0 0" ]; then
    sed 's/^/    /' "$NR_TMP/pipe.err" >&2
    soft_fail "-w - | tshark -r -: exit statuses (netring tshark) '$status', want '0 0'"
elif ! cmp -s "$NR_TMP/pipe.want" "$NR_TMP/pipe.tshark"; then
    show_diff "$NR_TMP/pipe.want" "$NR_TMP/pipe.tshark" "sent" "netring -w - | tshark -r -"
    soft_fail "-w - | tshark -r -: tshark read $(wc -l <"$NR_TMP/pipe.tshark") frames, not the $N sent (diff above)"
else
    nr_log "-w - | tshark -r -: tshark read the $N frames sent"
fi

# --- 2. no -w, stdout a pipe: pcapng on stdout, byte-identical -------------
start_bg --out "$NR_TMP/nodash.pcapng" --err "$NR_TMP/nodash.err" in_b "$NETRING" capture -i "$NR_IF_B" -q -c "$N"
nodash=$BG_PID
wait_capture_ready "$nodash" "$NR_NS_B" "$NR_IF_B" || { cat "$NR_TMP/nodash.err" >&2; fail "no -w: netring did not start capturing"; }
send_mix --count "$N" --seed 4 --gap 0.0003 --pcap "$NR_TMP/nodash.sent" -q
wait_bg "$nodash" 20
[ "$BG_RC" = 0 ] || soft_fail "no -w, stdout a file: netring exited $BG_RC: $(tail -n 3 "$NR_TMP/nodash.err")"
if ! capinfos -t "$NR_TMP/nodash.pcapng" 2>/dev/null | has 'pcapng'; then
    soft_fail "no -w, stdout not a terminal: stdout is not pcapng ($(capinfos -t "$NR_TMP/nodash.pcapng" 2>&1 | tail -n 1); first bytes $(head -c 16 "$NR_TMP/nodash.pcapng" | od -An -tx1 | tr -s ' '))"
else
    tshark_clean "$NR_TMP/nodash.pcapng" || soft_fail "no -w: the pcapng on stdout does not read cleanly"
    tcpdump_dump "$NR_TMP/nodash.sent" >"$NR_TMP/nodash.want"
    tcpdump_dump "$NR_TMP/nodash.pcapng" >"$NR_TMP/nodash.got"
    if ! cmp -s "$NR_TMP/nodash.want" "$NR_TMP/nodash.got"; then
        show_diff "$NR_TMP/nodash.want" "$NR_TMP/nodash.got" sent "netring > file"
        soft_fail "no -w: frames on stdout differ from those sent"
    else
        nr_log "no -w, stdout a file: pcapng with the $N frames sent"
    fi
fi

# --- 3. the reader goes away: -w - | head -c 100000 ------------------------
# netring must notice (EPIPE) at its next write and stop cleanly instead of
# hanging or dying of SIGPIPE. Traffic keeps flowing until it has stopped.
start_bg --err "$NR_TMP/head.err" in_b bash -c \
    '"$1" capture -i "$2" -q -w - 2>"$3" | head -c 100000 >/dev/null
     echo "exit ${PIPESTATUS[*]}" >&2' _ "$NETRING" "$NR_IF_B" "$NR_TMP/head.netring.err"
head_pid=$BG_PID
wait_capture_ready "$head_pid" "$NR_NS_B" "$NR_IF_B" || { cat "$NR_TMP/head.netring.err" >&2; fail "| head: netring did not start capturing"; }
start_bg --err "$NR_TMP/head.send.err" in_a "${NR_SEND[@]}" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --net "$NR_NET" \
    --count 0 --gap 0.001 --seed 5
sender=$BG_PID
if nr_wait_gone "$head_pid" 300; then
    wait "$head_pid"
    status=$(sed -n 's/^exit //p' "$NR_TMP/head.err")
    nr_log "| head -c 100000: pipeline ended, exit statuses (netring head) $status; netring said: $(tail -n 1 "$NR_TMP/head.netring.err")"
    [ "${status%% *}" = 0 ] || soft_fail "| head -c 100000: netring exited ${status%% *}, want 0 (141 = killed by SIGPIPE)"
    line=$(tail -n 1 "$NR_TMP/head.netring.err")
    [ -n "$(stats_line "$NR_TMP/head.netring.err")" ] && [ "$line" = "$(stats_line "$NR_TMP/head.netring.err")" ] ||
        { sed 's/^/    /' "$NR_TMP/head.netring.err" >&2; soft_fail "| head -c 100000: no summary line last on stderr"; }
else
    soft_fail "| head -c 100000: netring still running 30 s after head exited (hang on a closed pipe)"
fi
kill -TERM "$sender" 2>/dev/null
wait_bg "$sender" 10

# --- 3b. a reader that takes nothing: -w - | sleep -------------------------
# netring blocks in write() once the pipe is full; SIGINT must still end it
# (tcpdump ends at once), after a short wait for the reader, with one line
# saying so. Before, it stayed in write() until the reader died.
start_bg --err "$NR_TMP/stall.err" in_b bash -c \
    '"$1" capture -i "$2" -q -w - 2>"$3" | sleep 30' _ "$NETRING" "$NR_IF_B" "$NR_TMP/stall.netring.err"
stall_pid=$BG_PID
wait_capture_ready "$stall_pid" "$NR_NS_B" "$NR_IF_B" || { cat "$NR_TMP/stall.netring.err" >&2; fail "| sleep: netring did not start capturing"; }
stalled=$(pgrep -P "$stall_pid" -x netring || pgrep -f "capture -i $NR_IF_B -q -w -" | head -n 1)
# 3000 frames of 1000 bytes: the pipe (64 KiB) fills.
send_mix --count 3000 --size 1000 --seed 6 -q
n=50
until [ "$(cat "/proc/$stalled/wchan" 2>/dev/null)" = anon_pipe_write ] || [ $n -le 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || nr_log "note: | sleep: netring was not seen waiting in write() ($(cat "/proc/$stalled/wchan" 2>/dev/null))"
t0=$(date +%s%N)
kill -INT "$stalled"
if nr_wait_gone "$stalled" 100; then
    ms=$((($(date +%s%N) - t0) / 1000000))
    line=$(tail -n 1 "$NR_TMP/stall.netring.err")
    grep -q "the reader of standard output took nothing for 1 s after the stop" <<<"$line" ||
        { sed 's/^/    /' "$NR_TMP/stall.netring.err" >&2; soft_fail "| sleep: no line saying the reader was given up on"; }
    nr_log "| sleep: SIGINT ended netring after $ms ms: $line"
else
    soft_fail "| sleep: netring still running 10 s after SIGINT, its reader taking nothing"
fi
kill -TERM "$stall_pid" 2>/dev/null
pkill -P "$stall_pid" sleep 2>/dev/null
wait_bg "$stall_pid" 10

# --- 4. -c COUNT: stops by itself after exactly COUNT frames ---------------
COUNT=25
start_capture count "$NETRING" capture -i "$NR_IF_B" -q -c "$COUNT" -w "$NR_TMP/count.pcapng"
cnt=$CAP_PID
send_mix --count 100 --seed 6 --gap 0.0003 --pcap "$NR_TMP/count.sent" -q
wait_bg "$cnt" 20
[ "$BG_RC" = 0 ] || soft_fail "-c $COUNT: netring exited $BG_RC"
have=$(pcap_count "$NR_TMP/count.pcapng")
captured=$(stats_captured "$NR_TMP/count.err") || captured='(no summary line)'
tshark_clean "$NR_TMP/count.pcapng" || soft_fail "-c $COUNT: file does not read cleanly"
tcpdump_dump "$NR_TMP/count.sent" -c "$COUNT" >"$NR_TMP/count.want"
tcpdump_dump "$NR_TMP/count.pcapng" >"$NR_TMP/count.got"
if [ "$have" != "$COUNT" ] || [ "$captured" != "$COUNT" ]; then
    soft_fail "-c $COUNT: file holds $have frames, netring says $captured captured; want $COUNT and $COUNT"
elif ! cmp -s "$NR_TMP/count.want" "$NR_TMP/count.got"; then
    show_diff "$NR_TMP/count.want" "$NR_TMP/count.got" "first $COUNT sent" "netring -c $COUNT"
    soft_fail "-c $COUNT: the frames are not the first $COUNT sent"
else
    nr_log "-c $COUNT: exactly the first $COUNT frames"
fi

# --- 5. -s 100: caplen 100 for longer frames, original length kept ---------
# Reference: the sent frames cut by editcap, and a live tcpdump -s 100 (which
# cuts tagged frames after putting the tag back, like editcap on the wire bytes).
for fmt in pcapng pcap; do
    start_capture "snap-td-$fmt" tcpdump -i "$NR_IF_B" -U -s 100 --time-stamp-precision=nano -w "$NR_TMP/snap-td-$fmt.pcap"
    std=$CAP_PID
    start_capture "snap-$fmt" "$NETRING" capture -i "$NR_IF_B" -q -s 100 --format "$fmt" -w "$NR_TMP/snap.$fmt"
    snr=$CAP_PID
    send_mix --count 96 --seed 8 --gap 0.0003 --pcap "$NR_TMP/snap-$fmt.sent" -q
    got=$(wait_frames "$NR_TMP/snap-td-$fmt.pcap" 96 15) || fail "harness: tcpdump -s 100 saw $got of 96 frames"
    sleep 1
    stop_capture "$snr" INT
    stop_capture "$std" INT
    editcap -s 100 "$NR_TMP/snap-$fmt.sent" "$NR_TMP/snap-$fmt.want.pcap"
    tshark_lens "$NR_TMP/snap-$fmt.want.pcap" >"$NR_TMP/snap-$fmt.want.lens"
    tshark_lens "$NR_TMP/snap.$fmt" >"$NR_TMP/snap-$fmt.got.lens"
    big=$(awk '$1 > 100' "$NR_TMP/snap-$fmt.want.lens" | wc -l)
    [ "$big" -gt 10 ] || fail "harness: only $big frames over 100 bytes sent"
    tshark_clean "$NR_TMP/snap.$fmt" || soft_fail "-s 100 ($fmt): file does not read cleanly"
    if ! cmp -s "$NR_TMP/snap-$fmt.want.lens" "$NR_TMP/snap-$fmt.got.lens"; then
        paste "$NR_TMP/snap-$fmt.want.lens" "$NR_TMP/snap-$fmt.got.lens" | awk '$1 != $3 || $2 != $4' | head -8 |
            sed 's/^/    want len caplen, got len caplen: /' >&2
        soft_fail "-s 100 ($fmt): frame/captured lengths wrong"
    fi
    tcpdump_dump "$NR_TMP/snap-$fmt.want.pcap" >"$NR_TMP/snap-$fmt.want.txt"
    tcpdump_dump "$NR_TMP/snap-td-$fmt.pcap" >"$NR_TMP/snap-$fmt.td.txt"
    tcpdump_dump "$NR_TMP/snap.$fmt" >"$NR_TMP/snap-$fmt.got.txt"
    cmp -s "$NR_TMP/snap-$fmt.want.txt" "$NR_TMP/snap-$fmt.td.txt" ||
        { show_diff "$NR_TMP/snap-$fmt.want.txt" "$NR_TMP/snap-$fmt.td.txt" "editcap -s 100" "tcpdump -s 100"; fail "harness: tcpdump -s 100 and editcap -s 100 disagree"; }
    if ! cmp -s "$NR_TMP/snap-$fmt.td.txt" "$NR_TMP/snap-$fmt.got.txt"; then
        show_diff "$NR_TMP/snap-$fmt.td.txt" "$NR_TMP/snap-$fmt.got.txt" "tcpdump -s 100" "netring -s 100"
        soft_fail "-s 100 ($fmt): bytes differ from tcpdump -s 100"
    fi
    info=$(capinfos "$NR_TMP/snap.$fmt" 2>&1)
    if [ "$fmt" = pcapng ]; then
        grep -q 'Capture length = 100$' <<<"$info" || soft_fail "-s 100: IDB snaplen is not 100: $(grep 'Capture length' <<<"$info")"
    else
        grep -q '^Packet size limit: *file hdr: 100 bytes' <<<"$info" || soft_fail "-s 100: pcap header snaplen is not 100: $(grep 'file hdr' <<<"$info")"
    fi
    nr_log "-s 100 ($fmt): $big long frames cut to 100 bytes, checked against tcpdump and editcap"
done

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
