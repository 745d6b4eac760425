#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# capture -Z USER: the process becomes USER with no capability once its socket and file are open, and the capture completes.
. "$(dirname "$0")/lib.sh"

nr_require capinfos tshark tcpdump setpriv setcap
nr_setup
nr_require_netring

USER_NAME=nobody
id "$USER_NAME" >/dev/null 2>&1 || skip "no user $USER_NAME"
USER_ID=$(id -u "$USER_NAME")
GROUP_ID=$(id -g "$USER_NAME")
# A directory only root may write: the file must be opened before the switch.
OUT="$NR_TMP/rootonly"
mkdir -m 0755 "$OUT"

# wait_dropped PID: true once PID runs as USER_NAME (real, effective, saved, fs ids) with no capabilities.
wait_dropped() {
    local pid=$1 n=100 st
    while [ "$n" -gt 0 ]; do
        st=$(cat "/proc/$pid/status" 2>/dev/null) || return 1
        if printf '%s\n' "$st" | has -x "Uid:[[:space:]]*$USER_ID[[:space:]]*$USER_ID[[:space:]]*$USER_ID[[:space:]]*$USER_ID" &&
            printf '%s\n' "$st" | has -x "Gid:[[:space:]]*$GROUP_ID[[:space:]]*$GROUP_ID[[:space:]]*$GROUP_ID[[:space:]]*$GROUP_ID"; then
            return 0
        fi
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# check_no_caps PID [THREADS]: in every thread (at least THREADS of them,
# waited for: capture threads start after the drop), every capability set but
# the bounding set is empty. Capabilities belong to each thread, not to the process.
check_no_caps() {
    local pid=$1 want=${2:-1} n=100 set val task
    while [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -lt "$want" ]; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || fail "process $pid never had $want threads"
        sleep 0.1
    done
    for task in /proc/"$pid"/task/*; do
        for set in CapInh CapPrm CapEff CapAmb; do
            val=$(awk -v s="$set:" '$1 == s { print $2 }' "$task/status")
            # An unreadable value would make $((16#...)) abort the test silently.
            [[ $val =~ ^[0-9a-f]+$ ]] || fail "no $set in $task/status"
            [ "$((16#$val))" = 0 ] || fail "$set of thread ${task##*/} after -Z is $val, not empty"
        done
    done
}

run_case() {
    local name=$1 n=$2 threads=1
    shift 2
    [ "${1:-}" = --threads ] && threads=$(($2 + 1))  # capture threads and the writer
    start_capture "$name" "$NETRING" capture -Z "$USER_NAME" -i "$NR_IF_B" -c "$n" -q -w "$OUT/$name.pcapng" "$@"
    wait_dropped "$CAP_PID" || fail "$name: netring -Z $USER_NAME still runs as: $(grep -E '^(Uid|Gid):' "/proc/$CAP_PID/status" | tr '\n' ' ')"
    check_no_caps "$CAP_PID" "$threads"
    local groups
    groups=$(awk '$1 == "Groups:" { $1 = ""; print }' "/proc/$CAP_PID/status")
    for g in $groups; do
        id -G "$USER_NAME" | tr ' ' '\n' | has -x "$g" || fail "$name: the process keeps group $g, which $USER_NAME is not in"
    done
    nr_log "$name: running as $(grep -E '^Uid:' "/proc/$CAP_PID/status" | tr -s '\t ' ' '), groups:$groups, no capabilities"
    send_mix -q -c "$n" --seed 3 --kinds udp4,udp6,mcast_udp4
    wait_bg "$CAP_PID" 20
    [ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/$name.err" >&2; fail "$name: netring -Z exited $BG_RC"; }
    tshark_clean "$OUT/$name.pcapng" || fail "$name: the file written after -Z is not clean"
    local got
    got=$(pcap_count "$OUT/$name.pcapng")
    [ "$got" = "$n" ] || fail "$name: the file holds $got frames, expected $n"
    # Opened as root before the switch, in a directory the user cannot write.
    [ "$(stat -c %u "$OUT/$name.pcapng")" = 0 ] || fail "$name: the file is not root's: opened after the switch?"
    nr_log "$name: $got frames, file valid"
}

run_case packet 30
NR_CAPTURE_FILTER=1 run_case filtered 20 udp
run_case threads 40 --threads 2
# AF_XDP: the program is attached before the switch, and detached at exit by closing its link.
start_bg --out "$NR_TMP/xdp.out" --err "$NR_TMP/xdp.err" in_b "$NETRING" --log-level info capture -Z "$USER_NAME" \
    --backend xdp --xdp-mode generic -i "$NR_IF_B" -c 50 -q -w "$OUT/xdp.pcapng"
XDP_PID=$BG_PID
wait_dropped "$XDP_PID" || { sed 's/^/    /' "$NR_TMP/xdp.err" >&2; fail "xdp: netring -Z did not become $USER_NAME"; }
check_no_caps "$XDP_PID"
n=100
until grep -q 'frames received on this queue go to netring' "$NR_TMP/xdp.err" 2>/dev/null; do
    n=$((n - 1))
    [ "$n" -gt 0 ] || fail "xdp: capture did not become ready"
    sleep 0.1
done
send_mix -q -c 50 --seed 5
wait_bg "$XDP_PID" 20
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/xdp.err" >&2; fail "xdp: netring -Z exited $BG_RC"; }
got=$(pcap_count "$OUT/xdp.pcapng")
[ "$got" = 50 ] || fail "xdp: the file holds $got frames, expected 50"
ip -n "$NR_NS_B" link show "$NR_IF_B" | has 'xdp' && fail "xdp: the XDP program stayed attached after netring -Z exited"
nr_log "xdp: 50 frames as $USER_NAME, program detached at exit"

# Rotation after -Z: the first file is opened as root before the switch and
# handed to USER, who creates every later one (as with tcpdump -Z -C, all
# USER's), in a directory USER may write.
ROT="$NR_TMP/rot"
mkdir -m 0755 "$ROT"
chown "$USER_NAME" "$ROT"
start_capture rot "$NETRING" capture -Z "$USER_NAME" -i "$NR_IF_B" -c 60 -q -w "$ROT/r.pcapng" -b packets:20
wait_dropped "$CAP_PID" || fail "rot: netring -Z did not become $USER_NAME"
send_mix -q -c 60 --seed 9 --kinds udp4,udp6,mcast_udp4
wait_bg "$CAP_PID" 20
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/rot.err" >&2; fail "rot: netring -Z -b packets:20 exited $BG_RC"; }
mapfile -t rot_files < <(ls "$ROT"/r_*.pcapng 2>/dev/null | sort)
[ "${#rot_files[@]}" -ge 3 ] || fail "rot: ${#rot_files[@]} files for 60 frames of 20 per file: ${rot_files[*]}"
for f in "${rot_files[@]}"; do
    [ "$(stat -c %u "$f")" = "$USER_ID" ] || fail "rot: $(basename "$f") is owned by uid $(stat -c %u "$f"), not $USER_NAME"
    tshark_clean "$f" || fail "rot: $(basename "$f") is not clean"
done
nr_log "rot: ${#rot_files[@]} files, all $USER_NAME's"

# Rotation into a directory USER cannot write: refused at the start, before
# anything is opened, saying what to do (it once failed at the first rename,
# "Permission denied", without a word of -Z, and left a .part file).
run_nr rot-rootonly "$NETRING" capture -Z "$USER_NAME" -i "$NR_IF_B" -c 60 -q -w "$OUT/rot.pcapng" -b packets:20
expect_error "-Z $USER_NAME -b packets:20 into a root-only directory" 2 \
    "-Z $USER_NAME with file rotation: the directory $OUT is not writable by $USER_NAME" \
    "make it writable by $USER_NAME \(chown $USER_NAME $OUT\) or leave out -Z$"
ls "$OUT" | has '^rot' && soft_fail "-Z into a root-only directory: files were left: $(ls "$OUT" | grep '^rot' | tr '\n' ' ')"
# A sticky directory (as /tmp): only a file's owner may rename it there, so
# the first file must be USER's too (when root's: "rename ...: Operation not
# permitted" at the first rotation).
STICKY="$NR_TMP/sticky"
mkdir -m 1777 "$STICKY"
start_capture rot-sticky "$NETRING" capture -Z "$USER_NAME" -i "$NR_IF_B" -c 40 -q -w "$STICKY/s.pcapng" -b packets:20
wait_dropped "$CAP_PID" || fail "rot-sticky: netring -Z did not become $USER_NAME"
send_mix -q -c 40 --seed 10 --kinds udp4,udp6
wait_bg "$CAP_PID" 20
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/rot-sticky.err" >&2; fail "rot-sticky: exited $BG_RC"; }
sticky_total=0
sticky_files=("$STICKY"/s_*.pcapng)
for f in "${sticky_files[@]}"; do
    sticky_total=$((sticky_total + $(pcap_count "$f")))
    [ "$(stat -c %u "$f")" = "$USER_ID" ] || soft_fail "rot-sticky: $(basename "$f") is not $USER_NAME's"
done
[ "${#sticky_files[@]}" = 2 ] && [ "$sticky_total" = 40 ] ||
    soft_fail "rot-sticky: ${#sticky_files[@]} files holding $sticky_total frames, expected 2 holding 40"

# Errors: an unknown user is a usage error, caught before anything is opened.
rc=0
in_b "$NETRING" capture -Z no-such-user-nr -i "$NR_IF_B" -c 1 -w "$OUT/never.pcapng" 2>"$NR_TMP/nouser.err" || rc=$?
[ "$rc" = 2 ] && grep -q "no user 'no-such-user-nr'" "$NR_TMP/nouser.err" || fail "-Z unknown user: exit $rc: $(cat "$NR_TMP/nouser.err")"
[ ! -e "$OUT/never.pcapng" ] || fail "-Z unknown user: the output file was created anyway"
# A non-root user with file capabilities may not switch users without CAP_SETUID/CAP_SETGID.
mkdir -p "$NR_TMP/bin" "$NR_TMP/userout"
cp "$NETRING" "$NR_TMP/bin/netring"
chown "$USER_NAME" "$NR_TMP/userout"
setcap cap_net_raw+ep "$NR_TMP/bin/netring" || skip "setcap failed"
rc=0
in_b setpriv --reuid="$USER_ID" --regid="$GROUP_ID" --clear-groups "$NR_TMP/bin/netring" capture -Z root -i "$NR_IF_B" -c 1 \
    -w "$NR_TMP/userout/x.pcapng" 2>"$NR_TMP/nosetuid.err" || rc=$?
[ "$rc" = 1 ] && grep -q "CAP_SETGID" "$NR_TMP/nosetuid.err" || fail "-Z without CAP_SETGID: exit $rc: $(cat "$NR_TMP/nosetuid.err")"
nr_log "errors: unknown user exit 2; no CAP_SETGID: $(head -n1 "$NR_TMP/nosetuid.err")"
[ "$failures" = 0 ] || fail "$failures checks failed"
pass
