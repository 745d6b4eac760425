#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring and tcpdump capture the same varied traffic at the same time; the frames must be byte-identical through libpcap, in pcapng and pcap.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos ss python3
nr_setup
nr_require_netring

N=480       # two full turns of the sender's 24 kinds, and then some
failures=0

# soft_fail MSG: records a failure but lets the remaining checks of this run
# report too, so one run shows everything that differs.
soft_fail() {
    nr_log "FAIL: $*"
    failures=$((failures + 1))
}

# compare_run LABEL EXT PRECISION NETRING_ARGS...
compare_run() {
    local label=$1 ext=$2 prec=$3
    shift 3
    local dir="$NR_TMP/$label" td nr got
    mkdir -p "$dir"
    local nrfile="$dir/netring.$ext" tdfile="$dir/tcpdump.pcap" sent="$dir/sent.pcap"
    nr_log "--- $label: netring capture $* -w $nrfile"

    # tcpdump always at nanoseconds: libpcap then sets SO_TIMESTAMPNS, which
    # makes the kernel stamp each skb once on receipt, so every packet socket
    # reads the same time. (Without any such socket each packet socket takes
    # the clock when the frame reaches it, microseconds apart.)
    start_capture "$label.tcpdump" tcpdump -i "$NR_IF_B" -U --time-stamp-precision=nano -w "$tdfile"
    td=$CAP_PID
    start_capture "$label.netring" "$NETRING" capture -i "$NR_IF_B" -w "$nrfile" "$@"
    nr=$CAP_PID

    send_mix --count "$N" --seed 7 --gap 0.0003 --pcap "$sent" -q

    # tcpdump writes each frame as it comes (-U): once it has all of them, the
    # kernel has delivered them all. Then a second for netring's ring block to
    # be handed over, as tcpdump's own 1 s block timeout would need too.
    got=$(wait_frames "$tdfile" "$N" 15) || fail "harness: tcpdump saw only $got of $N frames sent"
    sleep 1

    stop_capture "$nr" INT
    local nr_rc=$BG_RC
    stop_capture "$td" INT

    # The harness itself: what tcpdump saw is exactly what was sent.
    tcpdump_dump "$sent" >"$dir/sent.txt"
    tcpdump_dump "$tdfile" >"$dir/tcpdump.txt"
    if ! cmp -s "$dir/sent.txt" "$dir/tcpdump.txt"; then
        show_diff "$dir/sent.txt" "$dir/tcpdump.txt" sent tcpdump
        fail "harness: tcpdump did not capture exactly the frames sent"
    fi

    # netring's process: exit 0 on SIGINT, nothing on stdout, the summary line last.
    [ "$nr_rc" = 0 ] || soft_fail "$label: netring exited $nr_rc after SIGINT (want 0)"
    if [ -s "$NR_TMP/$label.netring.out" ]; then
        soft_fail "$label: netring wrote to stdout while writing a file: $(head -c 200 "$NR_TMP/$label.netring.out")"
    fi
    local line captured
    line=$(stats_line "$NR_TMP/$label.netring.err")
    if [ -z "$line" ]; then
        sed 's/^/    /' "$NR_TMP/$label.netring.err" >&2
        soft_fail "$label: no final 'N packets captured, ...' line on stderr"
    else
        [ "$(tail -n 1 "$NR_TMP/$label.netring.err")" = "$line" ] ||
            soft_fail "$label: the summary is not the last line on stderr: $(tail -n 1 "$NR_TMP/$label.netring.err")"
        captured=${line%% *}
        [ "$captured" = "$N" ] || soft_fail "$label: netring says '$line', want $N captured"
    fi

    # The file reads cleanly with three independent readers.
    tshark_clean "$nrfile" || soft_fail "$label: $nrfile does not read cleanly"

    local info
    info=$(capinfos "$nrfile" 2>&1)
    case $ext in
        pcapng) grep -q '^File type: *Wireshark/... - pcapng' <<<"$info" || soft_fail "$label: capinfos does not see a pcapng: $(grep '^File type' <<<"$info")" ;;
        pcap)
            local want='Wireshark/tcpdump/... - pcap$'
            [ "$prec" = nano ] && want='Wireshark/tcpdump/... - nanosecond pcap'
            grep -q "^File type: *$want" <<<"$info" || soft_fail "$label: capinfos file type: $(grep '^File type' <<<"$info"), want $want"
            ;;
    esac
    grep -q '^File encapsulation: *Ethernet' <<<"$info" || soft_fail "$label: encapsulation: $(grep '^File encapsulation' <<<"$info")"
    local digits=9 word=nanoseconds
    [ "$prec" = micro ] && digits=6 word=microseconds
    grep -q "^File timestamp precision: *$word ($digits)" <<<"$info" ||
        soft_fail "$label: capinfos: $(grep '^File timestamp precision' <<<"$info"), want $word ($digits)"
    grep -q "^Number of packets: *$N\$" <<<"$info" || soft_fail "$label: capinfos: $(grep '^Number of packets' <<<"$info"), want $N"

    # Byte for byte, as libpcap reads both files (headers decoded + hex of every byte).
    tcpdump_dump "$nrfile" >"$dir/netring.txt"
    if ! cmp -s "$dir/tcpdump.txt" "$dir/netring.txt"; then
        show_diff "$dir/tcpdump.txt" "$dir/netring.txt" "tcpdump -r tcpdump.pcap" "tcpdump -r netring.$ext"
        soft_fail "$label: frames differ from tcpdump's (libpcap view)"
    fi
    # ... and as wireshark reads them: wire and captured lengths.
    tshark_lens "$tdfile" >"$dir/tcpdump.lens"
    tshark_lens "$nrfile" >"$dir/netring.lens"
    if ! cmp -s "$dir/tcpdump.lens" "$dir/netring.lens"; then
        show_diff "$dir/tcpdump.lens" "$dir/netring.lens" "tshark tcpdump.pcap len caplen" "tshark netring.$ext len caplen"
        soft_fail "$label: frame lengths differ from tcpdump's (tshark view)"
    fi

    # Both take the kernel's timestamp of the same skb, so they agree to the
    # last digit of the precision asked for; at microseconds netring must cut
    # the nanoseconds off as libpcap does (rounding could even carry into the
    # next second).
    if [ "$prec" = micro ]; then
        tcpdump_times "$tdfile" | sed 's/...$/000/' >"$dir/tcpdump.times"
    else
        tcpdump_times "$tdfile" >"$dir/tcpdump.times"
    fi
    tcpdump_times "$nrfile" >"$dir/netring.times"
    if ! cmp -s "$dir/tcpdump.times" "$dir/netring.times"; then
        paste "$dir/tcpdump.times" "$dir/netring.times" | awk '$1 != $2' | head -5 | sed 's/^/    tcpdump netring: /' >&2
        soft_fail "$label: timestamps differ from tcpdump's ($prec precision)"
    fi

    # VLAN tags, moved out of the frame by the receiving kernel, are back in
    # it as tcpdump shows them: 802.1Q, QinQ's 802.1ad outer tag, and the
    # priority tag with VID 0 (TP_STATUS_VLAN_VALID, not a non-zero TCI).
    local pat want have
    for pat in 'ethertype 802.1Q (0x8100), length [0-9]*: vlan 10,' 'vlan 20, p 0, ethertype IPv6' \
        'ethertype 802.1Q-QinQ (0x88a8), length [0-9]*: vlan 100, p 0, ethertype 802.1Q (0x8100), vlan 10,' \
        'vlan 0, p 5, DEI,' 'vlan 4094,'; do
        want=$(tcpdump -r "$sent" -nn -e 2>/dev/null | grep -c -- "$pat")
        have=$(tcpdump -r "$nrfile" -nn -e 2>/dev/null | grep -c -- "$pat")
        [ "$want" -gt 0 ] || fail "harness: the sender sent no frame matching '$pat'"
        [ "$have" = "$want" ] || soft_fail "$label: $have frames show '$pat' in netring's file, $want were sent"
    done

    if [ "$ext" = pcapng ]; then
        # One IDB named after the interface; EPB flags say every frame came in.
        local names dirs
        names=$(tshark -r "$nrfile" -T fields -e frame.interface_name 2>/dev/null | sort | uniq -c | sed 's/^ *//')
        [ "$names" = "$N $NR_IF_B" ] || soft_fail "$label: frame.interface_name counts '$names', want '$N $NR_IF_B'"
        # tshark prints the 2-bit field as 0x00000001; 1 = inbound, 2 = outbound.
        dirs=$(tshark -r "$nrfile" -T fields -e frame.packet_flags_direction 2>/dev/null |
            while read -r v; do echo $((v)); done | sort | uniq -c | sed 's/^ *//')
        [ "$dirs" = "$N 1" ] || soft_fail "$label: epb_flags direction counts '$dirs', want '$N 1' (all inbound)"
        local bad
        bad=$(reception_mismatches "$nrfile")
        [ -z "$bad" ] || soft_fail "$label: epb_flags reception type: $bad"
        grep -q '^Number of interfaces in file: *1$' <<<"$info" || soft_fail "$label: $(grep '^Number of interfaces' <<<"$info"), want 1"
        grep -q "Name = $NR_IF_B\$" <<<"$info" || soft_fail "$label: capinfos shows no IDB if_name $NR_IF_B"
        grep -q "Time precision = $word ($digits)" <<<"$info" || soft_fail "$label: IDB if_tsresol is not $word ($digits)"
        grep -q '^Capture application: *netring' <<<"$info" || soft_fail "$label: no shb_userappl naming netring: $(grep '^Capture application' <<<"$info")"
        grep -q '^Capture oper-sys: *Linux' <<<"$info" || soft_fail "$label: no shb_os: $(grep '^Capture oper-sys' <<<"$info")"
        grep -q 'Number of stat entries = 1$' <<<"$info" || soft_fail "$label: want one ISB at the end: $(grep 'Number of stat entries' <<<"$info")"
        check_isb "$label" "$nrfile" "$line" "$dir/netring.times" "$digits"
    fi
    [ "$failures" = 0 ] && nr_log "$label: $N frames identical to tcpdump's"
}

# check_isb LABEL FILE SUMMARY TIMES DIGITS: the closing ISB carries the
# counters of the summary line, and its start/end enclose every frame.
check_isb() {
    local label=$1 file=$2 summary=$3 times=$4 digits=$5 isb
    isb=$(python3 "$NR_LIB_DIR/pcapng_isb.py" "$file") || { soft_fail "$label: pcapng block chain is broken"; return; }
    grep -qx 'last_block_type=5' <<<"$isb" || soft_fail "$label: the last block is not an ISB ($(grep last_block <<<"$isb"))"
    local c r d i
    read -r c _ _ r _ _ _ d _ _ _ i _ <<<"$(tr -d ',' <<<"$summary")"
    local want="usrdeliv=$c filteraccept=$r osdrop=$d ifdrop=$i" kv
    for kv in $want; do
        grep -q "^isb .*\b$kv\b" <<<"$isb" || soft_fail "$label: ISB lacks $kv (summary: '$summary'; $(grep '^isb' <<<"$isb"))"
    done
    # Frame times in the IDB's units, against isb_starttime/isb_endtime.
    local first last start end
    to_units() { local sec=${1%.*} frac=${1#*.}; echo $((sec * 10 ** digits + 10#${frac:0:digits})); }
    first=$(to_units "$(head -n 1 "$times")")
    last=$(to_units "$(tail -n 1 "$times")")
    start=$(sed -n 's/^isb .*starttime=\([0-9]*\).*/\1/p' <<<"$isb")
    end=$(sed -n 's/^isb .*endtime=\([0-9]*\).*/\1/p' <<<"$isb")
    if [ -z "$start" ] || [ -z "$end" ] || [ "$start" -gt "$first" ] || [ "$end" -lt "$last" ]; then
        soft_fail "$label: isb_starttime $start / isb_endtime $end do not enclose the frames ($first .. $last, 10^-$digits s)"
    fi
}

# While both run, netring's socket must be a TPACKET_V3 (ver:2) RX ring.
check_ring_version() {
    start_capture ring.netring "$NETRING" capture -i "$NR_IF_B" -q -w "$NR_TMP/ring.pcapng"
    local info
    info=$(packet_socket_info "$CAP_PID" "$NR_NS_B")
    grep -q 'ver:2 ' <<<"$info" && grep -q 'ring_rx(' <<<"$info" ||
        { printf '%s\n' "$info" | sed 's/^/    /' >&2; soft_fail "netring's packet socket is not a TPACKET_V3 RX ring"; }
    stop_capture "$CAP_PID" INT
}

# Loopback hands each frame to packet sockets twice, as sent and as received;
# libpcap keeps one, and so must netring (it once wrote both).
check_loopback() {
    local dir="$NR_TMP/lo" pids=() p
    mkdir -p "$dir"
    start_bg --out /dev/null --err "$dir/tcpdump.err" in_b tcpdump -i lo -U -w "$dir/tcpdump.pcap"
    pids+=("$BG_PID")
    start_bg --out /dev/null --err "$dir/netring.err" in_b "$NETRING" capture -i lo -q -w "$dir/netring.pcapng"
    pids+=("$BG_PID")
    for p in "${pids[@]}"; do
        wait_capture_ready "$p" "$NR_NS_B" lo || fail "loopback: a capture on lo did not start"
    done
    in_b python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(25):
    s.sendto(bytes(i), ("127.0.0.1", 9999))' || fail "loopback: cannot send to 127.0.0.1"
    wait_frames "$dir/tcpdump.pcap" 50 10 >/dev/null || fail "harness: tcpdump on lo saw fewer than 25 datagrams and their ICMP errors"
    sleep 0.5
    for p in "${pids[@]}"; do stop_capture "$p" INT; done
    if ! cmp -s <(tcpdump_frames "$dir/tcpdump.pcap") <(tcpdump_frames "$dir/netring.pcapng"); then
        soft_fail "loopback: netring has $(pcap_count "$dir/netring.pcapng") frames, tcpdump $(pcap_count "$dir/tcpdump.pcap"), or other bytes"
    else
        nr_log "loopback: the same $(pcap_count "$dir/netring.pcapng") frames as tcpdump -i lo"
    fi
}

compare_run pcapng pcapng nano -q
compare_run pcap pcap nano -q --format pcap
compare_run pcapng-micro pcapng micro -q --time-stamp-precision micro
compare_run pcap-micro pcap micro -q --format pcap --time-stamp-precision micro
check_ring_version
check_loopback

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
