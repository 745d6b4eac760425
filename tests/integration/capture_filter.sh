#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Filter expressions keep exactly the frames a live tcpdump keeps with the same expression on the same traffic; a bad one is one clear line and exit 2.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos editcap ss
nr_setup
nr_require_netring

N=240   # ten turns of the sender's mix: every kind of frame several times

FILTERS=(
    'udp'
    'udp and port 5000'
    'vlan'
    'vlan 10 and udp'
    'not arp'
    'ether broadcast'
    'ip6'
    'ether multicast'
    'ether proto 0x88b5'
    'vlan 100 and vlan 10'
    'icmp or arp'
    'greater 1000'
    'not vlan'
    'vlan 0'
    'ip and not vlan'
    'ether[12:2] = 0x8100'
    'llc'
    'vlan and ether multicast'
    # Live, the kernel has moved the tag out of the frame: a clause without
    # "vlan" sees the untagged frame, so tcpdump's 'udp' keeps tagged UDP too.
    'udp or vlan 30'
    'ip or vlan 4094'
)
# SNAPLEN:EXPRESSION run with -s SNAPLEN on both sides. The snap length rides
# on the filter program's return value; the expression itself still looks at
# the whole frame, however short the part kept.
SNAP_FILTERS=('100:udp and port 5000' '100:vlan' '100:not vlan' '20:vlan and udp' '40:vlan and udp port 5000'
    '20:udp and port 5000')

# --- the invalid filters first: cheap, and no traffic needed ---------------
for bad in 'udp and port' 'port 99999' 'vlan 5000' 'ether host zz:zz' 'nosuchkeyword'; do
    out="$NR_TMP/bad.pcapng"
    rc=0
    in_b "$NETRING" capture -i "$NR_IF_B" -q -w "$out" $bad >"$NR_TMP/bad.out" 2>"$NR_TMP/bad.err" &
    pid=$!
    NR_BG_PIDS+=("$pid")
    wait_bg "$pid" 10
    rc=$BG_RC
    # What libpcap itself says about it, as tcpdump prints it.
    want=$(in_b tcpdump -i "$NR_IF_B" -p -d $bad 2>&1 >/dev/null | sed -n 's/^tcpdump: //p' | head -n 1)
    lines=$(grep -c . "$NR_TMP/bad.err")
    if [ "$rc" != 2 ]; then
        soft_fail "filter '$bad': exit $rc, want 2 (stderr: $(head -c 300 "$NR_TMP/bad.err"))"
    elif [ "$lines" != 1 ]; then
        sed 's/^/    /' "$NR_TMP/bad.err" >&2
        soft_fail "filter '$bad': $lines lines on stderr, want exactly one"
    elif [ -n "$want" ] && ! grep -qF -- "$want" "$NR_TMP/bad.err"; then
        soft_fail "filter '$bad': stderr '$(cat "$NR_TMP/bad.err")' does not carry libpcap's message '$want'"
    else
        nr_log "filter '$bad': exit 2, '$(cat "$NR_TMP/bad.err")'"
    fi
    [ -s "$NR_TMP/bad.out" ] && soft_fail "filter '$bad': something on stdout: $(head -c 200 "$NR_TMP/bad.out")"
    rm -f "$out"
done

# --- every expression at once: one tcpdump and one netring each -----------
# All of them watch the same frames, so one send covers every expression.
# Small rings (-B) keep 24 captures in a modest amount of memory.
declare -a TD NR LABEL
NR_CAPTURE_FILTER=1
for i in "${!FILTERS[@]}"; do
    f=${FILTERS[$i]}
    start_capture "td$i" tcpdump -i "$NR_IF_B" -B 2048 -U --immediate-mode --time-stamp-precision=nano \
        -w "$NR_TMP/td$i.pcap" $f
    TD[$i]=$CAP_PID
    start_capture "nr$i" "$NETRING" capture -i "$NR_IF_B" -B 2048 -q -w "$NR_TMP/nr$i.pcapng" $f
    NR[$i]=$CAP_PID
    LABEL[$i]=$f
done
for j in "${!SNAP_FILTERS[@]}"; do
    snap=${SNAP_FILTERS[$j]%%:*}
    f=${SNAP_FILTERS[$j]#*:}
    i=$((${#FILTERS[@]} + j))
    start_capture "td$i" tcpdump -i "$NR_IF_B" -B 2048 -s "$snap" -U --immediate-mode --time-stamp-precision=nano \
        -w "$NR_TMP/td$i.pcap" $f
    TD[$i]=$CAP_PID
    start_capture "nr$i" "$NETRING" capture -i "$NR_IF_B" -B 2048 -s "$snap" -q -w "$NR_TMP/nr$i.pcapng" $f
    NR[$i]=$CAP_PID
    LABEL[$i]="-s $snap $f"
done
NR_CAPTURE_FILTER=0
# And one capturing everything, to know what was on the link.
start_capture tdall tcpdump -i "$NR_IF_B" -B 4096 -U --time-stamp-precision=nano -w "$NR_TMP/all.pcap"
TDALL=$CAP_PID

# Warm-up. libpcap filters the ring block that was open when its filter went
# in a second time in user space, on the snap-length-cut frame and without the
# kernel's VLAN metadata, so tcpdump itself drops some matching frames there.
# Its first block fills during the warm-up and retires (block timeout); only
# the frames sent after it are compared.
WARM=48
send_mix --count "$WARM" --seed 10 --gap 0.0003 -q
got=$(wait_frames "$NR_TMP/all.pcap" "$WARM" 15) || fail "harness: tcpdump saw $got of $WARM warm-up frames"
sleep 1.5
T0=$(date +%s.%N)

send_mix --count "$N" --seed 11 --gap 0.0003 --pcap "$NR_TMP/sent.pcap" -q
got=$(wait_frames "$NR_TMP/all.pcap" $((WARM + N)) 15) || fail "harness: tcpdump saw $got of $((WARM + N)) frames sent"
sleep 1.5  # ring blocks still open are handed over within a second (block timeout)

for i in "${!LABEL[@]}"; do
    stop_capture "${NR[$i]}" INT
    [ "$BG_RC" = 0 ] || soft_fail "filter '${LABEL[$i]}': netring exited $BG_RC after SIGINT"
    stop_capture "${TD[$i]}" INT
done
stop_capture "$TDALL" INT

for i in "${!LABEL[@]}"; do
    f=${LABEL[$i]}
    tshark_clean "$NR_TMP/nr$i.pcapng" || { soft_fail "filter '$f': netring's file does not read cleanly"; continue; }
    captured=$(stats_captured "$NR_TMP/nr$i.err") || { soft_fail "filter '$f': no summary line"; continue; }
    have=$(pcap_count "$NR_TMP/nr$i.pcapng")
    [ "$captured" = "$have" ] || soft_fail "filter '$f': netring says $captured captured, its file holds $have"
    # The frames after the warm-up.
    td="$NR_TMP/td$i.main.pcap" nr="$NR_TMP/nr$i.main.pcapng"
    editcap -A "$T0" "$NR_TMP/td$i.pcap" "$td" || fail "editcap -A failed"
    editcap -A "$T0" "$NR_TMP/nr$i.pcapng" "$nr" || fail "editcap -A failed"
    kept=$(pcap_count "$td")
    # The warm-up only shields the comparison if tcpdump kept some of it.
    [ $(($(pcap_count "$NR_TMP/td$i.pcap") - kept)) -gt 0 ] ||
        fail "harness: tcpdump kept none of the warm-up frames with '$f'; its first block was not retired before the compared frames"
    # A filter that keeps nothing or everything would prove nothing.
    if [ "$kept" -eq 0 ] || [ "$kept" -ge "$N" ]; then
        fail "harness: tcpdump kept $kept of $N frames with '$f'; the mix should give some but not all"
    fi
    tcpdump_dump "$td" >"$NR_TMP/td$i.txt"
    tcpdump_dump "$nr" >"$NR_TMP/nr$i.txt"
    have=$(pcap_count "$nr")
    if ! cmp -s "$NR_TMP/td$i.txt" "$NR_TMP/nr$i.txt"; then
        NR_DIFF_LINES=30 show_diff "$NR_TMP/td$i.txt" "$NR_TMP/nr$i.txt" "tcpdump '$f'" "netring '$f'"
        soft_fail "filter '$f': netring kept $have frames, tcpdump $kept, or the bytes differ (diff above)"
    else
        nr_log "filter '$f': $kept frames, identical to tcpdump's"
    fi
done

# The filter sees whole frames, however short the snap length: with -s 20,
# 'vlan and udp' keeps every tagged UDP frame, the first ones included (the
# warm-up, where tcpdump's second, user-space pass over its first ring block
# sees only 20 bytes and drops some). The whole frames of the unfiltered
# capture, filtered offline, say which those are.
for j in "${!SNAP_FILTERS[@]}"; do
    f=${SNAP_FILTERS[$j]#*:}
    case $f in vlan\ and*) ;; *) continue ;; esac
    i=$((${#FILTERS[@]} + j))
    want=$(tcpdump -r "$NR_TMP/all.pcap" -nn $f 2>/dev/null | wc -l)
    have=$(pcap_count "$NR_TMP/nr$i.pcapng")
    if [ "$have" = "$want" ]; then
        nr_log "filter '${LABEL[$i]}': $have frames in all, warm-up included: every whole frame that matches"
    else
        soft_fail "filter '${LABEL[$i]}': netring kept $have frames in all, the whole frames hold $want that match"
    fi
done

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
