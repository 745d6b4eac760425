#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -Q in/out/inout match tcpdump -Q on two-way traffic, -p leaves promiscuous mode alone, -a takes one value, a terminal (or --print) gets one line per frame.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos ss script
nr_setup
nr_require_netring

# --- -Q: capture on A while A sends and B sends back --------------------------
# start_capture watches NR_NS_B/NR_IF_B; here the captures sit on A's end.
start_on_a() {
    local name=$1
    shift
    start_bg --out "$NR_TMP/$name.out" --err "$NR_TMP/$name.err" in_a "$@"
    CAP_PID=$BG_PID
    wait_capture_ready "$CAP_PID" "$NR_NS_A" "$NR_IF_A" ||
        { sed 's/^/    /' "$NR_TMP/$name.err" >&2; fail "$name ($*) did not start capturing on $NR_IF_A"; }
}

declare -A TDP NRP
for q in in out inout; do
    start_on_a "td-$q" tcpdump -i "$NR_IF_A" -Q "$q" -U --time-stamp-precision=nano -w "$NR_TMP/td-$q.pcap"
    TDP[$q]=$CAP_PID
    start_on_a "nr-$q" "$NETRING" capture -i "$NR_IF_A" -Q "$q" -q -w "$NR_TMP/nr-$q.pcapng"
    NRP[$q]=$CAP_PID
done
N_OUT=72 N_IN=48
send_mix --count "$N_OUT" --seed 31 --gap 0.0003 -q
in_b "${NR_SEND[@]}" -i "$NR_IF_B" --dst-mac "$NR_MAC_A" --net "$NR_NET" --count "$N_IN" --seed 32 --gap 0.0003 -q
got=$(wait_frames "$NR_TMP/td-inout.pcap" $((N_OUT + N_IN)) 15) || fail "harness: tcpdump -Q inout saw $got of $((N_OUT + N_IN))"
sleep 1
for q in in out inout; do
    stop_capture "${NRP[$q]}" INT
    [ "$BG_RC" = 0 ] || soft_fail "-Q $q: netring exited $BG_RC"
    stop_capture "${TDP[$q]}" INT
done
declare -A WANT=([in]=$N_IN [out]=$N_OUT [inout]=$((N_OUT + N_IN)))
declare -A WANTDIR=([in]="$N_IN 1" [out]="$N_OUT 2" [inout]="$N_IN 1
$N_OUT 2")
for q in in out inout; do
    td="$NR_TMP/td-$q.pcap" nr="$NR_TMP/nr-$q.pcapng"
    kept=$(pcap_count "$td")
    [ "$kept" = "${WANT[$q]}" ] || fail "harness: tcpdump -Q $q kept $kept frames, want ${WANT[$q]}"
    tshark_clean "$nr" || { soft_fail "-Q $q: file does not read cleanly"; continue; }
    tcpdump_dump "$td" >"$NR_TMP/td-$q.txt"
    tcpdump_dump "$nr" >"$NR_TMP/nr-$q.txt"
    if ! cmp -s "$NR_TMP/td-$q.txt" "$NR_TMP/nr-$q.txt"; then
        NR_DIFF_LINES=30 show_diff "$NR_TMP/td-$q.txt" "$NR_TMP/nr-$q.txt" "tcpdump -Q $q" "netring -Q $q"
        soft_fail "-Q $q: netring kept $(pcap_count "$nr") frames, tcpdump $kept, or the bytes differ"
        continue
    fi
    dirs=$(tshark -r "$nr" -T fields -e frame.packet_flags_direction 2>/dev/null |
        while read -r v; do echo $((v)); done | sort | uniq -c | sed 's/^ *//')
    [ "$dirs" = "${WANTDIR[$q]}" ] || soft_fail "-Q $q: epb_flags directions '$(tr '\n' ',' <<<"$dirs")', want '$(tr '\n' ',' <<<"${WANTDIR[$q]}")' (1 in, 2 out)"
    captured=$(stats_captured "$NR_TMP/nr-$q.err") || captured='(none)'
    [ "$captured" = "$kept" ] || soft_fail "-Q $q: netring reports $captured captured, file holds $kept"
    nr_log "-Q $q: $kept frames identical to tcpdump -Q $q"
done

# --- -p: promiscuous mode only when asked -------------------------------------
promiscuity() { ip -n "$NR_NS_B" -d link show dev "$NR_IF_B" | sed -n 's/.*promiscuity \([0-9]*\).*/\1/p'; }
[ "$(promiscuity)" = 0 ] || fail "harness: $NR_IF_B promiscuity is $(promiscuity) before any capture"
start_capture promisc "$NETRING" capture -i "$NR_IF_B" -q -w "$NR_TMP/promisc.pcapng"
p_on=$(promiscuity)
stop_capture "$CAP_PID" INT
p_after=$(promiscuity)
start_capture nopromisc "$NETRING" capture -i "$NR_IF_B" -p -q -w "$NR_TMP/nopromisc.pcapng"
p_off=$(promiscuity)
stop_capture "$CAP_PID" INT
[ "$p_on" = 1 ] || soft_fail "without -p: promiscuity $p_on while capturing, want 1"
[ "$p_after" = 0 ] || soft_fail "without -p: promiscuity $p_after after netring exited, want 0"
[ "$p_off" = 0 ] || soft_fail "-p: promiscuity $p_off while capturing, want 0"
nr_log "promiscuity: $p_on while capturing, $p_after after, $p_off with -p"

# --- kernel drops: a stalled netring with a small ring -------------------------
# Stopped (SIGSTOP) while 3000 frames arrive, it must then report the ring's
# drops, and captured + dropped = received (every block is handed over once
# it resumes), in the summary line and in the ISB alike.
N_DROP=3000
start_capture drops "$NETRING" capture -i "$NR_IF_B" -B 256 -q -w "$NR_TMP/drops.pcapng"
drops=$CAP_PID
kill -STOP "$drops"
send_mix --count "$N_DROP" --seed 34 -q
kill -CONT "$drops"
sleep 1.5
stop_capture "$drops" INT
line=$(stats_line "$NR_TMP/drops.err")
read -r c _ _ r _ _ _ d _ _ _ i _ <<<"$(tr -d ',' <<<"$line")"
have=$(pcap_count "$NR_TMP/drops.pcapng")
isb=$(python3 "$NR_LIB_DIR/pcapng_isb.py" "$NR_TMP/drops.pcapng" | grep '^isb')
if [ -z "$line" ]; then
    soft_fail "drops: no summary line: $(tail -n 2 "$NR_TMP/drops.err")"
elif [ "$r" != "$N_DROP" ] || [ "$d" -lt 1 ] || [ $((c + d)) != "$r" ] || [ "$have" != "$c" ]; then
    soft_fail "drops: '$line' with $have frames in the file; want $N_DROP received, some dropped, captured + dropped = received, file = captured"
elif ! grep -q "usrdeliv=$c\b" <<<"$isb" || ! grep -q "osdrop=$d\b" <<<"$isb" || ! grep -q "filteraccept=$r\b" <<<"$isb"; then
    soft_fail "drops: ISB '$isb' does not match '$line'"
else
    nr_log "drops: '$line', ISB agrees"
fi

# --- -a and -b take one value per use; the words after them are the filter ---
# As with dumpcap: netring capture -i IF -a duration:1 udp port 5000, no "--"
# needed (the manual once asked for one). The IDB's if_filter says what the
# filter became.
for opts in "-a duration:1" "-b packets:1000 -a duration:1"; do
    rm -f "$NR_TMP"/autostop*.pcapng
    start_bg --err "$NR_TMP/autostop.err" in_b "$NETRING" capture -i "$NR_IF_B" -q -w "$NR_TMP/autostop.pcapng" \
        $opts udp port 5000
    wait_bg "$BG_PID" 15
    f=$(ls "$NR_TMP"/autostop*.pcapng 2>/dev/null | head -n 1)
    filter=$(capinfos "$f" 2>/dev/null | sed -n 's/^ *Filter string = //p' | head -n 1)
    if [ "$BG_RC" != 0 ] || [ "$filter" != "udp port 5000" ]; then
        soft_fail "'$opts udp port 5000': exit $BG_RC, filter '$filter': $(head -n 1 "$NR_TMP/autostop.err") (the filter words were taken as option values?)"
    else
        nr_log "'$opts udp port 5000': exit 0, filter '$filter'"
    fi
done

# --- -c and -a packets: one limit, the smaller stops (as in dumpcap) -----------
# An option given twice takes its last value, as in tcpdump and dumpcap
# (CLI11 once refused it: "--count: At Most 1 required but received 2").
for order in "-c 50 -a packets:10" "-a packets:10 -c 50" "-c 10 -a packets:50" "-c 50 -c 10"; do
    start_bg --err "$NR_TMP/climit.err" in_b "$NETRING" capture -i "$NR_IF_B" -q -w "$NR_TMP/climit.pcapng" $order
    climit=$BG_PID
    wait_capture_ready "$climit" "$NR_NS_B" "$NR_IF_B" || fail "$order: netring did not start capturing"
    send_mix --count 60 --gap 0.0005 -q
    wait_bg "$climit" 15
    got=$(pcap_count "$NR_TMP/climit.pcapng")
    [ "$BG_RC" = 0 ] && [ "$got" = 10 ] || soft_fail "$order: exit $BG_RC, $got frames, want exit 0 and 10 frames"
done
nr_log "-c with -a packets: the smaller count stopped each capture at 10 frames; -c given twice, the last"

# --- a terminal on stdout: one line per frame ---------------------------------
N_TTY=48
start_bg --out "$NR_TMP/tty.out" in_b script -qfec "$NETRING capture -i $NR_IF_B -c $N_TTY" /dev/null
tty=$BG_PID
wait_capture_ready "$tty" "$NR_NS_B" "$NR_IF_B" || fail "netring on a terminal did not start capturing"
send_mix --count "$N_TTY" --seed 33 --gap 0.0003 -q
wait_bg "$tty" 20
tr -d '\r' <"$NR_TMP/tty.out" >"$NR_TMP/tty.txt"
lines=$(grep -c -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+ [0-9]+ 02:77:00:00:00:0a > [0-9a-f:]{17} ' "$NR_TMP/tty.txt")
if [ "$BG_RC" != 0 ] || [ "$lines" != "$N_TTY" ]; then
    head -n 5 "$NR_TMP/tty.txt" | sed 's/^/    | /' >&2
    soft_fail "terminal: exit $BG_RC, $lines frame lines (time length MAC > MAC ...), want $N_TTY"
else
    # What a reader needs from a line, when the frame has it.
    for pat in ' vlan 10 ' ' vlan 100 vlan 10 ' '10\.77\.[0-9]+\.1\.[0-9]+ > 10\.77\.[0-9]+\.99\.[0-9]+' \
        'fd77::1\.[0-9]+ > fd77::99\.[0-9]+' ' ARP ' ' IPv6 ' ' ff:ff:ff:ff:ff:ff '; do
        grep -qE -- "$pat" "$NR_TMP/tty.txt" || soft_fail "terminal: no line shows /$pat/"
    done
    nr_log "terminal: $lines lines, one per frame; e.g. $(sed -n 6p "$NR_TMP/tty.txt")"
fi

# --- --print: lines into a pipe, and beside -w FILE ----------------------------
# tcpdump's --print. Without it a pipe gets pcapng; with it, one line per
# frame. With -w FILE the lines go to stdout and the frames to the file, line
# for line the same frames (their lengths, in order, as tshark reads the file).
line_re='^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+ [0-9]+ 02:77:00:00:00:0a > [0-9a-f:]{17} '
N_PRINT=40
start_bg --out "$NR_TMP/print.txt" in_b "$NETRING" capture -i "$NR_IF_B" -c "$N_PRINT" --print
pr=$BG_PID
wait_capture_ready "$pr" "$NR_NS_B" "$NR_IF_B" || fail "--print into a file did not start capturing"
send_mix --count "$N_PRINT" --seed 34 --gap 0.0003 -q
wait_bg "$pr" 20
lines=$(grep -c -E "$line_re" "$NR_TMP/print.txt")
if [ "$BG_RC" != 0 ] || [ "$lines" != "$N_PRINT" ] || grep -qa 'Linux' "$NR_TMP/print.txt"; then
    head -c 300 "$NR_TMP/print.txt" | od -c | head -n 5 | sed 's/^/    | /' >&2
    soft_fail "--print into a file: exit $BG_RC, $lines frame lines, want $N_PRINT and no pcapng (its SHB names the OS)"
else
    nr_log "--print into a file: $lines lines"
fi

start_bg --out "$NR_TMP/print2.txt" in_b "$NETRING" capture -i "$NR_IF_B" -c "$N_PRINT" --print \
    -w "$NR_TMP/print.pcapng"
pr=$BG_PID
wait_capture_ready "$pr" "$NR_NS_B" "$NR_IF_B" || fail "--print -w FILE did not start capturing"
send_mix --count "$N_PRINT" --seed 35 --gap 0.0003 -q
wait_bg "$pr" 20
grep -E "$line_re" "$NR_TMP/print2.txt" | awk '{ print $2 }' >"$NR_TMP/print2.len"
tshark -r "$NR_TMP/print.pcapng" -T fields -e frame.len 2>/dev/null >"$NR_TMP/print2.tshark"
if [ "$BG_RC" != 0 ] || [ "$(wc -l <"$NR_TMP/print2.len")" != "$N_PRINT" ] ||
    ! cmp -s "$NR_TMP/print2.len" "$NR_TMP/print2.tshark"; then
    soft_fail "--print -w FILE: exit $BG_RC, $(wc -l <"$NR_TMP/print2.len") lines and $(wc -l <"$NR_TMP/print2.tshark") frames in the file, want $N_PRINT of each, the same lengths in the same order"
else
    nr_log "--print -w FILE: $N_PRINT lines, and the same $N_PRINT frames in the file"
fi

# The lines' reader goes away (| head): the capture ends as on SIGINT, exit
# 0, and the file holds every frame the final line counts.
start_bg --out "$NR_TMP/head.rc" in_b bash -c "'$NETRING' capture -i $NR_IF_B -w '$NR_TMP/head.pcapng' --print \
    2>'$NR_TMP/head.err' | head -n 3 >'$NR_TMP/head.txt'; echo \${PIPESTATUS[0]}"
hd=$BG_PID
wait_capture_ready "$hd" "$NR_NS_B" "$NR_IF_B" || fail "--print -w FILE | head did not start capturing"
send_mix --count 400 --seed 36 --gap 0.001 -q
wait_bg "$hd" 20
counted=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$NR_TMP/head.err")
in_file=$(pcap_count "$NR_TMP/head.pcapng")
if [ "$(cat "$NR_TMP/head.rc")" != 0 ] || [ "$(wc -l <"$NR_TMP/head.txt")" != 3 ] || [ -z "$counted" ] ||
    [ "$counted" -lt 3 ] || [ "$in_file" != "$counted" ]; then
    soft_fail "--print -w FILE | head -n 3: exit $(cat "$NR_TMP/head.rc"), $(wc -l <"$NR_TMP/head.txt") lines, '$counted' counted and $in_file frames in the file; stderr: $(head -n 2 "$NR_TMP/head.err")"
else
    nr_log "--print -w FILE | head -n 3: exit 0, $counted frames counted, all $in_file in the file"
fi

run_nr print-stdout "$NETRING" capture -i "$NR_IF_B" --print -w - -c 1
expect_error print-stdout 2 '--print and -w - would both write to standard output'

# --- tcpdump's habits: -D lists interfaces numbered, -i takes the number, -nn, -l
idx=$(ip -n "$NR_NS_B" -o link show dev "$NR_IF_B" | cut -d: -f1)
run_nr list "$NETRING" capture -D
if [ "$RC" != 0 ] || ! grep -qx "$idx\.$NR_IF_B \[Up, Running\]" "$NR_TMP/list.out" ||
    ! grep -q '^[0-9]*\.lo \[' "$NR_TMP/list.out"; then
    soft_fail "-D: exit $RC, want a line '$idx.$NR_IF_B [Up, Running]' and one for lo: $(tr '\n' ';' <"$NR_TMP/list.out")"
else
    nr_log "-D: $(tr '\n' ';' <"$NR_TMP/list.out")"
fi
start_bg --out "$NR_TMP/habits.txt" in_b "$NETRING" capture -nn -l -i "$idx" -c 10 --print
hb=$BG_PID
wait_capture_ready "$hb" "$NR_NS_B" "$NR_IF_B" || fail "-nn -l -i $idx did not start capturing on $NR_IF_B"
send_mix --count 10 --seed 37 --gap 0.0003 -q
wait_bg "$hb" 20
lines=$(grep -c -E "$line_re" "$NR_TMP/habits.txt")
if [ "$BG_RC" != 0 ] || [ "$lines" != 10 ]; then
    soft_fail "-nn -l -i $idx --print: exit $BG_RC, $lines lines, want 10"
else
    nr_log "-nn -l -i $idx --print: 10 lines from $NR_IF_B"
fi

# --- -X and -xx: each frame's bytes under its line, as tcpdump -r prints them --
# The mix has VLAN and QinQ tags, whose headers -X leaves out as tcpdump does.
for flag in -X -xx; do
    start_bg --out "$NR_TMP/dump$flag.txt" in_b "$NETRING" capture -i "$NR_IF_B" -c 24 --print "$flag" \
        -w "$NR_TMP/dump$flag.pcapng"
    dp=$BG_PID
    wait_capture_ready "$dp" "$NR_NS_B" "$NR_IF_B" || fail "--print $flag did not start capturing"
    send_mix --count 24 --seed 38 --gap 0.0003 -q
    wait_bg "$dp" 20
    grep $'^\t0x' "$NR_TMP/dump$flag.txt" >"$NR_TMP/dump$flag.ours"
    tcpdump -r "$NR_TMP/dump$flag.pcapng" -nn "$flag" 2>/dev/null | grep $'^\t0x' >"$NR_TMP/dump$flag.theirs"
    if [ "$BG_RC" != 0 ] || [ ! -s "$NR_TMP/dump$flag.ours" ] ||
        ! cmp -s "$NR_TMP/dump$flag.ours" "$NR_TMP/dump$flag.theirs"; then
        diff "$NR_TMP/dump$flag.ours" "$NR_TMP/dump$flag.theirs" | head -n 6 | sed 's/^/    | /' >&2
        soft_fail "--print $flag: exit $BG_RC; its dump lines differ from tcpdump -r $flag's"
    else
        nr_log "--print $flag: $(wc -l <"$NR_TMP/dump$flag.ours") dump lines, the same as tcpdump -r $flag"
    fi
done
# A capture shorter than the once-a-second flush: its closing ISB still
# counts every frame written (it once counted only the flushed ones: 0).
isb=$(python3 "$NR_LIB_DIR/pcapng_isb.py" "$NR_TMP/dump-X.pcapng" | grep '^isb')
grep -q '\busrdeliv=24\b' <<<"$isb" || soft_fail "-c 24 in well under a second: closing ISB '$isb', want usrdeliv=24"

# --- -w - with a terminal on stdout: refused, nothing written to it -----------
# script(1) runs the command on a pseudo-terminal and copies what it prints.
start_bg --out "$NR_TMP/ttyw.out" in_b script -qfec "$NETRING capture -i $NR_IF_B -w - -a duration:2; echo rc=\$?" /dev/null
wait_bg "$BG_PID" 20
tr -d '\r' <"$NR_TMP/ttyw.out" >"$NR_TMP/ttyw.txt"
if ! grep -q '^rc=2$' "$NR_TMP/ttyw.txt" || ! grep -q 'not writing capture data to a terminal' "$NR_TMP/ttyw.txt" ||
    grep -qa 'Linux' "$NR_TMP/ttyw.txt"; then
    head -c 300 "$NR_TMP/ttyw.txt" | od -c | head -n 5 | sed 's/^/    | /' >&2
    soft_fail "-w - on a terminal: want exit 2 and the refusal, and no pcapng (its SHB names the OS)"
else
    nr_log "-w - on a terminal: $(grep 'not writing' "$NR_TMP/ttyw.txt")"
fi

# --- a terminal on stderr while writing a file: the status line --------------
# Redrawn in place (\r) at most once a second with frames, bytes and drops,
# cleared before the summary; absent with -q.
start_bg --err "$NR_TMP/status.send.err" in_a "${NR_SEND[@]}" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" \
    --net "$NR_NET" --count 0 --gap 0.0005 --seed 35 -q
sender=$BG_PID
for quiet in no yes; do
    qflag=()
    [ "$quiet" = yes ] && qflag=(-q)
    start_bg --out "$NR_TMP/status-$quiet.out" in_b script -qfec \
        "$NETRING capture -i $NR_IF_B ${qflag[*]} -w $NR_TMP/status-$quiet.pcapng --duration 2.5" /dev/null
    wait_bg "$BG_PID" 15
    # The screen as a terminal would leave it: each \r-separated redraw on its own line.
    tr '\r' '\n' <"$NR_TMP/status-$quiet.out" | sed 's/\x1b\[K//g' | grep . >"$NR_TMP/status-$quiet.txt"
    redraws=$(grep -vc 'packets captured' "$NR_TMP/status-$quiet.txt")
    last=$(tail -n 1 "$NR_TMP/status-$quiet.txt")
    grep -qE '^[0-9]+ packets captured, ' <<<"$last" || soft_fail "status ($quiet -q): the summary is not the last thing on the terminal: '$last'"
    if [ "$quiet" = yes ]; then
        [ "$redraws" = 0 ] || soft_fail "status with -q: $redraws status redraws on the terminal, want none"
    elif [ "$redraws" -lt 1 ] || [ "$redraws" -gt 4 ]; then
        soft_fail "status: $redraws redraws in 2.5 s, want 1..4 (at most one a second)"
    else
        status=$(grep -v 'packets captured' "$NR_TMP/status-$quiet.txt" | tail -n 1)
        grep -qiE 'drop' <<<"$status" || soft_fail "status: '$status' does not show drops (the issue asks for frames, bytes, drops)"
        nr_log "status line: $redraws redraws, e.g. '$status'"
    fi
done
kill -TERM "$sender" 2>/dev/null
wait_bg "$sender" 10

# --- -a filesize:KB: the file's size, as dumpcap counts it ---------------------
# The capture ends with the frame that takes the file to KB x 1000 bytes,
# headers and all (dumpcap -a filesize:100 leaves a file of about 100,100
# bytes); counting frame bytes instead made files larger by the headers,
# 44 bytes a frame in pcapng.
for fmt in pcapng pcap; do
    f="$NR_TMP/fsize.$fmt"
    start_capture "fsize-$fmt" "$NETRING" capture -i "$NR_IF_B" -Q in -q -F "$fmt" -a filesize:50 -w "$f"
    pid=$CAP_PID
    send_mix --count 600 --seed 36 -q
    if ! nr_wait_gone "$pid" 100; then
        soft_fail "-a filesize:50 -F $fmt: still running 10 s after 600 frames"
        kill -KILL "$pid" 2>/dev/null
        continue
    fi
    wait "$pid"
    rc=$?
    size=$(stat -c %s "$f")
    tshark_clean "$f" || soft_fail "-a filesize:50 -F $fmt: the file does not read cleanly"
    # At most one frame's record (1,514 bytes and its header) and the closing
    # statistics block past the limit.
    if [ "$rc" != 0 ] || [ "$size" -lt 50000 ] || [ "$size" -gt 51800 ]; then
        soft_fail "-a filesize:50 -F $fmt: exit $rc, a file of $size bytes; want exit 0 and 50000-51800 bytes"
    else
        nr_log "-a filesize:50 -F $fmt: stopped with a file of $size bytes, $(pcap_count "$f") frames"
    fi
done

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
