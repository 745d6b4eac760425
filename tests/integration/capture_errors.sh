#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input and a hostile environment get one clear line and the right exit code; a full disk or a vanished interface still leaves a valid file.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tshark capinfos tcpdump ss setpriv mount umount
nr_setup
nr_require_netring

# --- no such interface: exit 2, and the interfaces that do exist -----------
# Each backend finds out on its own path; the fanout one names its socket first.
for args in "" "--backend xdp" "--threads 2"; do
    run_nr nosuch "$NETRING" capture -i nrnosuch0 $args -w "$NR_TMP/nosuch.pcapng"
    # In our namespace there are exactly two interfaces: lo and our veth end.
    expect_error "no such interface${args:+ ($args)}" 2 'nrnosuch0' "$NR_IF_B" '(^|[^a-z])lo([^a-z]|$)'
    [ -e "$NR_TMP/nosuch.pcapng" ] && nr_log "note: no such interface${args:+ ($args)} still created $NR_TMP/nosuch.pcapng"
done
# replay reads its file first: a pcap of one zeroed 60-byte frame.
{
    printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0'
    printf '\0\0\0\0\0\0\0\0\x3c\0\0\0\x3c\0\0\0'
    head -c 60 /dev/zero
} >"$NR_TMP/one.pcap"
run_nr nosuch-replay "$NETRING" replay -i nrnosuch0 "$NR_TMP/one.pcap"
expect_error "replay: no such interface" 2 'nrnosuch0' "$NR_IF_B"

# --- -i any, as tcpdump users type it: exit 2, and why it is not here ------------
run_nr any "$NETRING" capture -i any -w "$NR_TMP/any.pcapng"
expect_error any 2 "no such interface 'any'" "tcpdump's 'any'" 'name one interface' "$NR_IF_B"

# --- missing -i: a usage error (exit 2) that names -i -------------------------
run_nr noiface "$NETRING" capture -w "$NR_TMP/noiface.pcapng"
expect_error "missing -i" 2 '(-i|interface)'

# --- bad option values: usage errors -----------------------------------------
run_nr badq "$NETRING" capture -i "$NR_IF_B" -Q sideways -w "$NR_TMP/badq.pcapng"
expect_error "-Q sideways" 2 '(-Q|direction|sideways)'
run_nr badfmt "$NETRING" capture -i "$NR_IF_B" --format pcapx -w "$NR_TMP/badfmt.pcapng"
expect_error "--format pcapx" 2 '(format|pcapx)'
# CLI11 would read -1 into an unsigned count as 2^64 - 1: "forever".
run_nr cneg "$NETRING" capture -i "$NR_IF_B" -c -1 -w "$NR_TMP/cneg.pcapng"
expect_error "-c -1" 2 'count' "'-1' is not a number from 1 up"
run_nr czero "$NETRING" capture -i "$NR_IF_B" -c 0 -w "$NR_TMP/czero.pcapng"
expect_error "-c 0" 2 'count' "'0' is not a number from 1 up"
# An option capture does not have: the hint names capture's own help.
run_nr badopt "$NETRING" capture -i "$NR_IF_B" --no-such-option -w "$NR_TMP/badopt.pcapng"
expect_error "--no-such-option" 2 'not expected: --no-such-option' 'see netring capture --help'

# -w "": tcpdump refuses it; it used to mean no -w at all.
run_nr wempty "$NETRING" capture -i "$NR_IF_B" -w ""
expect_error '-w ""' 2 'the value is empty: give a file name'

# --- killed (-9) before any frame: the headers are already in the file ---------
start_bg in_b "$NETRING" capture -i "$NR_IF_B" -w "$NR_TMP/killed.pcapng"
killed=$BG_PID
wait_capture_ready "$killed" "$NR_NS_B" "$NR_IF_B" || fail "netring did not start capturing"
kill -KILL "$killed"
wait "$killed" 2>/dev/null
tshark_clean "$NR_TMP/killed.pcapng" || soft_fail "killed before any frame: the file left is not a valid pcapng ($(stat -c %s "$NR_TMP/killed.pcapng") bytes)"
nr_log "killed before any frame: $(stat -c %s "$NR_TMP/killed.pcapng") bytes of headers, read by tshark"

# --- interface down ---------------------------------------------------------
ip -n "$NR_NS_B" link set "$NR_IF_B" down
for args in "--backend packet" "--backend xdp" "--threads 2"; do
    run_nr down "$NETRING" capture -i "$NR_IF_B" $args -w "$NR_TMP/down.pcapng"
    expect_error "capture $args on an interface that is down" 1 "interface $NR_IF_B is down" "ip link set $NR_IF_B up"
done
ip -n "$NR_NS_B" link set "$NR_IF_B" up

# --- a queue the interface lacks: a usage error, exit 2, as for replay -------
run_nr rx-queue "$NETRING" capture -i "$NR_IF_B" --backend xdp --queue 5 -c 1 -w "$NR_TMP/q.pcapng"
expect_error "--backend xdp --queue 5 on a 1-queue veth" 2 "$NR_IF_B has only 1 RX queue \(queue 0\): there is no queue 5$"

# --- an interface without Ethernet headers (tun: raw IP): exit 2 -------------
# netring's files say Ethernet and its filters are compiled for it: frames of
# a tun or WireGuard interface would be written as Ethernet, and misread.
if ip netns exec "$NR_NS_B" ip tuntap add dev nrtun0 mode tun 2>/dev/null; then
    ip -n "$NR_NS_B" link set nrtun0 up
    for args in "--backend packet" "--backend xdp" "--threads 2"; do
        run_nr tun "$NETRING" capture -i nrtun0 $args -c 1 -w "$NR_TMP/tun.pcapng"
        expect_error "capture $args on a tun interface" 2 'nrtun0' 'no Ethernet headers' 'capture it with tcpdump'
    done
    run_nr tun-tx "$NETRING" xdp-tx -i nrtun0 --dst-mac 02:77:00:00:00:0e --count 1
    expect_error "xdp-tx on a tun interface" 2 'nrtun0' 'no Ethernet headers' 'send on an Ethernet interface'
    ip -n "$NR_NS_B" link del nrtun0
else
    nr_log "note: no tun device could be made here: the check of a non-Ethernet interface did not run"
fi

# --- output not writable ----------------------------------------------------
run_nr nodir "$NETRING" capture -i "$NR_IF_B" -c 1 -w "$NR_TMP/no/such/dir/x.pcapng"
expect_error "-w into a missing directory" nonzero 'no/such/dir/x\.pcapng' '(no such file|directory)'
run_nr isdir "$NETRING" capture -i "$NR_IF_B" -c 1 -w "$NR_TMP"
expect_error "-w a directory" nonzero "$NR_TMP" '(is a directory)'
# Root ignores file modes, so read-only means a read-only mount.
nr_mount_tmpfs "$NR_TMP/ro" 64k
mount -o remount,ro "$NR_TMP/ro" || fail "cannot remount $NR_TMP/ro read-only"
run_nr rofs "$NETRING" capture -i "$NR_IF_B" -c 1 -w "$NR_TMP/ro/x.pcapng"
expect_error "-w on a read-only file system" nonzero 'ro/x\.pcapng' '(read-only)'

# --- not permitted: nobody, no capabilities -----------------------------------
mkdir -m 1777 "$NR_TMP/nobody"
run_nr nocap setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all -- \
    "$NETRING" capture -i "$NR_IF_B" -w "$NR_TMP/nobody/x.pcapng"
expect_error "not permitted (nobody, no capabilities)" nonzero 'CAP_NET_RAW'
[ "$RC" = 2 ] && nr_log "note: 'not permitted' exits 2, the usage-error status"

# --- disk full: a 256 KiB tmpfs ---------------------------------------------
# netring must stop on ENOSPC, say so, and leave a file that ends on a whole
# block/record holding exactly the frames it reports.
disk_full() {
    local fmt=$1 dir="$NR_TMP/full-$1" file
    nr_mount_tmpfs "$dir" 256k
    file="$dir/x.$fmt"
    start_capture "full-$fmt" "$NETRING" capture -i "$NR_IF_B" -q --format "$fmt" -w "$file"
    local pid=$CAP_PID
    start_bg --err "$NR_TMP/full-$fmt.send.err" in_a "${NR_SEND[@]}" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" \
        --net "$NR_NET" --count 0 --gap 0.0003 --seed 21 -q
    local sender=$BG_PID
    if ! nr_wait_gone "$pid" 300; then
        kill -TERM "$sender"
        soft_fail "disk full ($fmt): netring still running 30 s into a 256 KiB file system ($(df -k "$dir" | tail -n 1))"
        kill -INT "$pid"
        wait_bg "$pid" 10
        return
    fi
    wait "$pid"
    local rc=$?
    kill -TERM "$sender" 2>/dev/null
    wait_bg "$sender" 10
    local err="$NR_TMP/full-$fmt.err" line
    # The error line, then the summary line.
    line=$(grep -v -E '^[0-9]+ packets captured' "$err" | tail -n 1)
    grep -qiE '(no space left|disk.*full|full.*disk|ENOSPC|file system.*full)' <<<"$line" ||
        { sed 's/^/    | /' "$err" >&2; soft_fail "disk full ($fmt): no clear line about the disk being full"; }
    [ "$rc" != 0 ] || soft_fail "disk full ($fmt): exit 0 after running out of space"
    local captured have
    captured=$(stats_captured "$err") || { soft_fail "disk full ($fmt): no summary line"; return; }
    if ! tshark_clean "$file"; then
        soft_fail "disk full ($fmt): the file left is not valid ($(stat -c %s "$file") bytes)"
        return
    fi
    have=$(pcap_count "$file")
    [ "$have" = "$captured" ] || soft_fail "disk full ($fmt): file holds $have frames, netring reported $captured captured"
    [ "$have" -gt 0 ] || soft_fail "disk full ($fmt): no frames in the file"
    nr_log "disk full ($fmt): exit $rc, '$line', valid file with $have frames ($(stat -c %s "$file") bytes)"
}
# --- standard error closed, or full ----------------------------------------------
# Closed (2>&-), the packet socket would take descriptor 2 and each message
# would leave the interface as a frame; on a full device (2>/dev/full) the
# failed write aborted netring instead of ending with its exit status.
start_bg --out "$NR_TMP/closed-peer.out" --err "$NR_TMP/closed-peer.err" in_a tcpdump -i "$NR_IF_A" -U -w "$NR_TMP/closed-peer.pcap"
peer=$BG_PID
wait_capture_ready "$peer" "$NR_NS_A" "$NR_IF_A" || fail "tcpdump on $NR_IF_A did not start"
start_bg in_b sh -c 'exec 2>&- && exec "$@"' sh "$NETRING" capture -i "$NR_IF_B" -c 3 -w "$NR_TMP/closed.pcapng"
closed=$BG_PID
wait_capture_ready "$closed" "$NR_NS_B" "$NR_IF_B" || fail "netring with stderr closed did not start"
fd2=$(readlink "/proc/$closed/fd/2")
[[ $fd2 != socket:* ]] || soft_fail "stderr closed: netring's descriptor 2 is one of its sockets ($fd2)"
send_mix --count 3 --gap 0.001 -q
wait_bg "$closed"
[ "$BG_RC" = 0 ] || soft_fail "stderr closed: exit $BG_RC, want 0"
sleep 0.2
stop_capture "$peer"
leaked=$(tcpdump -r "$NR_TMP/closed-peer.pcap" -nn -A 2>/dev/null | grep -c 'received by filter')
[ "$leaked" = 0 ] || soft_fail "stderr closed: netring's statistics line left $NR_IF_B as $leaked frame(s)"
[ "$(pcap_count "$NR_TMP/closed.pcapng")" = 3 ] || soft_fail "stderr closed: the file does not hold 3 frames"
nr_log "stderr closed: exit $BG_RC, nothing sent out of $NR_IF_B"
run_nr full-nosuch sh -c 'exec "$@" 2>/dev/full' sh "$NETRING" capture -i nrnosuch0 -w "$NR_TMP/full.pcapng"
[ "$RC" = 2 ] || soft_fail "no such interface with 2>/dev/full: exit $RC, want 2"
run_nr full-run sh -c 'exec "$@" 2>/dev/full' sh "$NETRING" capture -i "$NR_IF_B" -a duration:0.3 -w "$NR_TMP/full.pcapng"
[ "$RC" = 0 ] || soft_fail "a capture with 2>/dev/full: exit $RC, want 0"
nr_log "2>/dev/full: exit 2 for no such interface, 0 for a capture"
disk_full pcapng
disk_full pcap

# --- the interface disappears or goes down mid-capture -----------------------
# A second veth pair, both ends inside NR_NS_B: the capturing end is deleted,
# or set down, while netring reads it; with threads too, whose error must
# reach the writer, and over AF_XDP, whose socket hears of neither. Every
# frame netring counted must be in the file, those waiting in a ring block
# that had not yet retired included.
GONE_A="${NR_IF_B%b}c"
GONE_B="${NR_IF_B%b}d"
XDP_READY='frames received on this queue go to netring'
# link_lost LABEL del|down ARGS...
link_lost() {
    local label=$1 how=$2
    shift 2
    ip -n "$NR_NS_B" link add "$GONE_A" type veth peer name "$GONE_B" || fail "cannot add veth $GONE_A/$GONE_B"
    ip -n "$NR_NS_B" link set "$GONE_A" up
    ip -n "$NR_NS_B" link set "$GONE_B" up
    start_bg --err "$NR_TMP/gone.err" in_b "$NETRING" capture -i "$GONE_B" -w "$NR_TMP/gone.pcapng" "$@"
    local gone=$BG_PID rc line have captured received want
    if [[ " $* " == *" --backend xdp "* ]]; then
        wait_line "$NR_TMP/gone.err" "$XDP_READY" 10
    else
        wait_capture_ready "$gone" "$NR_NS_B" "$GONE_B"
    fi || { cat "$NR_TMP/gone.err" >&2; fail "$label: netring did not start on $GONE_B"; }
    in_b "${NR_SEND[@]}" -i "$GONE_A" --dst-mac 02:77:00:00:00:0d --count 50 --gap 0.0003 -q
    # At once: the frames still wait in a ring block that has not retired.
    if [ "$how" = del ]; then
        ip -n "$NR_NS_B" link del "$GONE_A"
        want="(gone|disappeared|removed|vanished|no longer|went away|no such device)"
    else
        ip -n "$NR_NS_B" link set "$GONE_B" down
        want="went down"
    fi
    if ! nr_wait_gone "$gone" 100; then
        soft_fail "$label: netring still running 10 s after $GONE_B was $( [ "$how" = del ] && echo deleted || echo set down)"
        ip -n "$NR_NS_B" link del "$GONE_A" 2>/dev/null
        return
    fi
    wait "$gone"
    rc=$?
    ip -n "$NR_NS_B" link del "$GONE_A" 2>/dev/null
    line=$(grep -v -E '^[0-9]+ packets captured|^netring: warning' "$NR_TMP/gone.err" | tail -n 1)
    grep -qiE "($GONE_B|interface).*$want" <<<"$line" ||
        { sed 's/^/    | /' "$NR_TMP/gone.err" >&2; soft_fail "$label: no line saying the interface $want"; }
    [ "$rc" = 1 ] || soft_fail "$label: exit status $rc, want 1"
    if tshark_clean "$NR_TMP/gone.pcapng"; then
        have=$(pcap_count "$NR_TMP/gone.pcapng")
        captured=$(stats_captured "$NR_TMP/gone.err") || captured='(none)'
        received=$(sed -nE 's/.* ([0-9]+) received by filter.*/\1/p' "$NR_TMP/gone.err")
        # 50 sent, and maybe the kernel's own IPv6 frames of the new link.
        [ "$have" = "$captured" ] && [ "$have" = "$received" ] && [ "$have" -ge 50 ] ||
            soft_fail "$label: file holds $have frames, netring reported $captured captured of $received received (want all equal, at least 50)"
        nr_log "$label: exit $rc, '$line', valid file with $have frames"
    else
        soft_fail "$label: file left is not valid"
    fi
}
link_lost "interface gone" del
link_lost "interface gone, --threads 2" del --threads 2
link_lost "interface gone, AF_XDP" del --backend xdp
link_lost "interface down" down
link_lost "interface down, --threads 2" down --threads 2
link_lost "interface down, AF_XDP" down --backend xdp
link_lost "interface down, AF_XDP, 2 queues" down --backend xdp --queues all

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
