#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT, SIGTERM and SIGHUP during steady traffic, and -a duration / --duration, leave a valid file holding exactly the frames netring reports.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tshark capinfos tcpdump ss
nr_setup
nr_require_netring

start_traffic() {
    start_bg --err "$NR_TMP/traffic.err" in_a "${NR_SEND[@]}" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" \
        --net "$NR_NET" --count 0 --gap 0.0005 --seed "$1"
    TRAFFIC=$BG_PID
}

stop_traffic() {
    kill -TERM "$TRAFFIC" 2>/dev/null
    wait_bg "$TRAFFIC" 10
}

# check_result LABEL FILE ERRFILE RC WANT_RC: the file is valid and holds
# exactly what netring says it captured (and at least one frame).
check_result() {
    local label=$1 file=$2 err=$3 rc=$4 want_rc=$5 captured have
    if [ -n "$want_rc" ] && [ "$rc" != "$want_rc" ]; then
        soft_fail "$label: exit status $rc, want $want_rc (stderr: $(tail -n 2 "$err" | tr '\n' '|'))"
    fi
    captured=$(stats_captured "$err") || { soft_fail "$label: no summary line on stderr"; return; }
    [ "$(tail -n 1 "$err")" = "$(stats_line "$err")" ] || soft_fail "$label: summary is not the last stderr line: $(tail -n 1 "$err")"
    if ! tshark_clean "$file"; then
        soft_fail "$label: $file is not a valid capture after the stop"
        return
    fi
    have=$(pcap_count "$file")
    if [ "$have" != "$captured" ]; then
        soft_fail "$label: file holds $have frames, netring reported $captured captured"
    elif [ "$have" -lt 1 ]; then
        soft_fail "$label: no frames captured during steady traffic"
    else
        nr_log "$label: exit $rc, valid file with $have frames = reported ($(stats_line "$err"))"
    fi
}

# --- signals during steady traffic ------------------------------------------
run_signal() {
    local sig=$1 fmt=$2 want_rc=$3 label="SIG$1 $2" file="$NR_TMP/sig-$1.$2"
    start_traffic "$RANDOM"
    start_capture "sig-$sig-$fmt" "$NETRING" capture -i "$NR_IF_B" -q --format "$fmt" -w "$file"
    local pid=$CAP_PID
    # Let a few ring blocks fill and reach the file, then stop mid-stream.
    wait_for_file "$file" 10 2000 || nr_log "$label: file still under 2000 bytes before the signal"
    sleep 0.5
    kill "-$sig" "$pid"
    if ! nr_wait_gone "$pid" 150; then
        stop_traffic
        fail "$label: netring still running 15 s after SIG$sig"
    fi
    wait "$pid"
    local rc=$?
    stop_traffic
    check_result "$label" "$file" "$NR_TMP/sig-$sig-$fmt.err" "$rc" "$want_rc"
}

run_signal INT pcapng 0
run_signal TERM pcapng 0
run_signal HUP pcapng ''      # the issue names no exit status for SIGHUP
run_signal INT pcap 0
run_signal TERM pcap 0

# A stream to stdout redirected to a file: still a complete pcapng on SIGINT.
start_traffic 77
start_bg --out "$NR_TMP/stream.pcapng" --err "$NR_TMP/stream.err" in_b "$NETRING" capture -i "$NR_IF_B" -q -w -
pid=$BG_PID
wait_capture_ready "$pid" "$NR_NS_B" "$NR_IF_B" || fail "-w - >file: netring did not start capturing"
sleep 1
kill -INT "$pid"
nr_wait_gone "$pid" 150 || fail "-w - >file: still running 15 s after SIGINT"
wait "$pid"
rc=$?
stop_traffic
check_result "SIGINT -w - >file" "$NR_TMP/stream.pcapng" "$NR_TMP/stream.err" "$rc" 0

# A burst that ended just before SIGINT: its last frames sit in a part-filled
# ring block that the kernel retires only after the block timeout, so the
# stop must wait for that block, as it does, or lose them.
run_burst() {
    local label="burst then SIGINT ($1)" name="burst-$2" n=3000 rc have
    shift 2
    local file="$NR_TMP/$name.pcapng"
    start_capture "$name" "$NETRING" capture -i "$NR_IF_B" -Q in -q -w "$file" "$@"
    local pid=$CAP_PID
    send_mix --count "$n" --seed 41 -q
    kill -INT "$pid"
    nr_wait_gone "$pid" 150 || fail "$label: netring still running 15 s after SIGINT"
    wait "$pid"
    rc=$?
    check_result "$label" "$file" "$NR_TMP/$name.err" "$rc" 0
    have=$(pcap_count "$file")
    [ "$have" = "$n" ] || soft_fail "$label: $n frames sent before the signal, $have in the file"
}
run_burst "one ring" one
run_burst "--threads 2" threads --threads 2

# Idle: no frame at all arrives, SIGINT must still end it (no poll() that
# swallows EINTR or waits for the next block forever).
start_capture idle "$NETRING" capture -i "$NR_IF_B" -q -w "$NR_TMP/idle.pcapng"
pid=$CAP_PID
sleep 0.5
kill -INT "$pid"
if nr_wait_gone "$pid" 100; then
    wait "$pid"
    rc=$?
    [ "$rc" = 0 ] || soft_fail "idle SIGINT: exit $rc"
    tshark_clean "$NR_TMP/idle.pcapng" || soft_fail "idle SIGINT: empty capture is not a valid file"
    n=$(pcap_count "$NR_TMP/idle.pcapng")
    c=$(stats_captured "$NR_TMP/idle.err") || c='(none)'
    [ "$n" = 0 ] && [ "$c" = 0 ] || soft_fail "idle SIGINT: $n frames in file, $c reported; want 0 and 0"
    nr_log "idle SIGINT: exit $rc, valid empty file"
else
    soft_fail "idle SIGINT: netring still running 10 s after SIGINT with no traffic"
fi

# --- stopping by itself after a duration ------------------------------------
# A correct capture can never stop before its duration; how much later it
# stops is not checked beyond the 15 s that count as a hang.
run_duration() {
    local label=$1 traffic=$2
    shift 2
    local file="$NR_TMP/dur-$label.pcapng" t0 t1 rc
    [ "$traffic" = yes ] && start_traffic 99
    t0=$(date +%s%N)
    start_bg --err "$NR_TMP/dur-$label.err" in_b "$NETRING" capture -i "$NR_IF_B" -q -w "$file" "$@"
    local pid=$BG_PID
    if ! nr_wait_gone "$pid" 150; then
        [ "$traffic" = yes ] && stop_traffic
        soft_fail "$label ($*, traffic: $traffic): still running after 15 s"
        kill -KILL "$pid" 2>/dev/null
        return
    fi
    t1=$(date +%s%N)
    wait "$pid"
    rc=$?
    [ "$traffic" = yes ] && stop_traffic
    local ms=$(((t1 - t0) / 1000000))
    [ "$ms" -ge 2000 ] || soft_fail "$label: stopped after ${ms} ms, before the 2 s asked for"
    if [ "$traffic" = yes ]; then
        check_result "$label with traffic (${ms} ms)" "$file" "$NR_TMP/dur-$label.err" "$rc" 0
    else
        [ "$rc" = 0 ] || soft_fail "$label without traffic: exit $rc"
        tshark_clean "$file" || soft_fail "$label without traffic: not a valid file"
        nr_log "$label without traffic: stopped by itself after ${ms} ms, exit $rc"
    fi
}

run_duration a-duration yes -a duration:2
run_duration long-duration yes --duration 2
run_duration idle-duration no --duration 2

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
