#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring without root: an unprivileged user with the documented file capabilities captures and sends; without each one it gets an error naming it.
#
# The binary is copied to a private directory and given file capabilities
# with setcap; every netring run here is `ip netns exec NS setpriv --reuid
# nobody ... netring`, so netring starts with no capability but those of its
# file. (ip netns exec must come first: it needs root to enter the namespace.)
. "$(dirname "$0")/lib.sh"

nr_require setpriv setcap getcap capinfos tshark tcpdump prlimit
nr_setup
nr_require_netring
"$NETRING" xdp-tx --help >/dev/null 2>&1 || fail "netring has no xdp-tx subcommand"

USER_NAME=nobody
id "$USER_NAME" >/dev/null 2>&1 || skip "no user $USER_NAME"
USER_ID=$(id -u "$USER_NAME")
GROUP_ID=$(id -g "$USER_NAME")

BIN_DIR="$NR_TMP/bin"
OUT="$NR_TMP/out"
mkdir -p "$BIN_DIR" "$OUT"
cp "$NETRING" "$BIN_DIR/netring"
chmod 755 "$BIN_DIR" "$BIN_DIR/netring"
chown "$USER_NAME" "$OUT"
case ",$(findmnt -no OPTIONS -T "$BIN_DIR")," in
    *,nosuid,*) skip "$BIN_DIR is on a nosuid mount: file capabilities would be ignored" ;;
esac
PRIV="$BIN_DIR/netring"
ALL_CAPS=cap_net_raw,cap_net_admin,cap_bpf,cap_ipc_lock

# grant CAPS: sets the file capabilities (empty: none) and checks getcap agrees.
grant() {
    if [ -z "$1" ]; then
        setcap -r "$PRIV" 2>/dev/null
        [ -z "$(getcap "$PRIV")" ] || fail "setcap -r left capabilities on $PRIV"
        return
    fi
    setcap "$1+ep" "$PRIV" || skip "setcap $1+ep failed (filesystem without extended attributes?)"
    getcap "$PRIV" | has "${1%%,*}" || fail "getcap does not show $1 on $PRIV: $(getcap "$PRIV")"
}

# unpriv CMD...: CMD as the unprivileged user with no groups and no inheritable or ambient capability.
UNPRIV=(setpriv --reuid="$USER_ID" --regid="$GROUP_ID" --clear-groups --inh-caps=-all --ambient-caps=-all)

# expect_refusal NAME CAP CMD...: CMD fails with exit 1 and an error that says CAP is lacking.
expect_refusal() {
    local name=$1 cap=$2 rc=0
    shift 2
    "$@" >"$NR_TMP/$name.out" 2>"$NR_TMP/$name.err" || rc=$?
    if [ "$rc" != 1 ] || ! grep -q "needs $cap, which this process lacks" "$NR_TMP/$name.err"; then
        sed 's/^/    /' "$NR_TMP/$name.err" >&2
        fail "$name: expected exit 1 and 'needs $cap, which this process lacks'; got exit $rc"
    fi
    grep -q "setcap $ALL_CAPS+ep $PRIV" "$NR_TMP/$name.err" ||
        fail "$name: the error does not say how to grant the capabilities: $(cat "$NR_TMP/$name.err")"
    nr_log "$name: refused as expected: $(head -n 1 "$NR_TMP/$name.err" | cut -c1-160)"
}

# --- Without file capabilities: AF_PACKET is refused and the error names CAP_NET_RAW.
grant ''
expect_refusal nocaps-capture CAP_NET_RAW in_b "${UNPRIV[@]}" "$PRIV" capture -i "$NR_IF_B" -c 1 -q -w "$OUT/none.pcapng"
expect_refusal nocaps-xdp-tx CAP_NET_RAW in_a "${UNPRIV[@]}" "$PRIV" xdp-tx -i "$NR_IF_A" --count 1 -q

# --- With the documented capabilities: capture over AF_PACKET as the unprivileged user.
grant "$ALL_CAPS"
N=40
start_capture capture "${UNPRIV[@]}" "$PRIV" capture -i "$NR_IF_B" -c "$N" -q -w "$OUT/packet.pcapng"
uid_line=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$CAP_PID/status")
[ "$uid_line" = "$USER_ID $USER_ID $USER_ID $USER_ID" ] || fail "capture does not run as $USER_NAME: Uid: $uid_line"
send_mix -q -c "$N" --seed 7
wait_bg "$CAP_PID" 20
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/capture.err" >&2; fail "capture as $USER_NAME exited $BG_RC"; }
[ "$(stat -c %u "$OUT/packet.pcapng")" = "$USER_ID" ] || fail "the capture file is not owned by $USER_NAME"
tshark_clean "$OUT/packet.pcapng" || fail "the unprivileged capture file is not clean"
got=$(pcap_count "$OUT/packet.pcapng")
[ "$got" = "$N" ] || fail "unprivileged AF_PACKET capture holds $got frames, expected $N"
nr_log "AF_PACKET capture as $USER_NAME: $got frames"

# --- xdp-tx as the unprivileged user; tcpdump (root) on the peer counts what arrives.
M=100
start_capture tcpdump tcpdump -i "$NR_IF_B" -nn -U -w "$NR_TMP/xdptx.pcap" udp and dst port 9
rc=0
in_a "${UNPRIV[@]}" "$PRIV" xdp-tx -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --dst-ip "$NR_IP_B" --count "$M" -q \
    >"$NR_TMP/xdptx.out" 2>"$NR_TMP/xdptx.err" || rc=$?
[ "$rc" = 0 ] || { sed 's/^/    /' "$NR_TMP/xdptx.err" >&2; fail "xdp-tx as $USER_NAME exited $rc"; }
got=$(wait_frames "$NR_TMP/xdptx.pcap" "$M" 15) || fail "tcpdump saw $got of the $M frames xdp-tx sent as $USER_NAME"
stop_capture "$CAP_PID"
nr_log "xdp-tx as $USER_NAME: tcpdump saw $got frames"

# --- capture --backend xdp (loads and attaches an XDP program) as the unprivileged user.
start_bg --out "$NR_TMP/xdpcap.out" --err "$NR_TMP/xdpcap.err" in_b "${UNPRIV[@]}" "$PRIV" --log-level info capture \
    --backend xdp --xdp-mode generic -i "$NR_IF_B" -c "$M" -q -w "$OUT/xdp.pcapng"
XDP_PID=$BG_PID
n=100
until grep -q 'frames received on this queue go to netring' "$NR_TMP/xdpcap.err" 2>/dev/null; do
    kill -0 "$XDP_PID" 2>/dev/null || { sed 's/^/    /' "$NR_TMP/xdpcap.err" >&2; fail "capture --backend xdp as $USER_NAME exited early"; }
    n=$((n - 1))
    [ "$n" -gt 0 ] || fail "capture --backend xdp as $USER_NAME did not become ready"
    sleep 0.1
done
in_a "$NETRING" xdp-tx -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --dst-ip "$NR_IP_B" --count "$M" -q 2>"$NR_TMP/xdptx2.err" ||
    fail "xdp-tx (root) toward the AF_XDP capture failed: $(cat "$NR_TMP/xdptx2.err")"
wait_bg "$XDP_PID" 20
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/xdpcap.err" >&2; fail "capture --backend xdp as $USER_NAME exited $BG_RC"; }
tshark_clean "$OUT/xdp.pcapng" || fail "the unprivileged AF_XDP capture file is not clean"
got=$(pcap_count "$OUT/xdp.pcapng")
[ "$got" = "$M" ] || fail "unprivileged AF_XDP capture holds $got frames, expected $M"
nr_log "AF_XDP capture as $USER_NAME: $got frames"

# --- Each capability missing in turn: the error names that one.
grant cap_net_admin,cap_bpf,cap_ipc_lock
expect_refusal no-net-raw CAP_NET_RAW in_b "${UNPRIV[@]}" "$PRIV" capture -i "$NR_IF_B" -c 1 -q -w "$OUT/x.pcapng"
grant cap_net_raw,cap_net_admin,cap_ipc_lock
expect_refusal no-bpf CAP_BPF in_b "${UNPRIV[@]}" "$PRIV" capture --backend xdp -i "$NR_IF_B" -c 1 -q -w "$OUT/x.pcapng"
grant cap_net_raw,cap_bpf,cap_ipc_lock
expect_refusal no-net-admin CAP_NET_ADMIN in_b "${UNPRIV[@]}" "$PRIV" capture --backend xdp -i "$NR_IF_B" -c 1 -q -w "$OUT/x.pcapng"
grant cap_net_raw,cap_net_admin,cap_bpf
# Without CAP_IPC_LOCK the UMEM counts against RLIMIT_MEMLOCK; 64 KiB is too little for it.
rc=0
in_a prlimit --memlock=65536 "${UNPRIV[@]}" "$PRIV" xdp-tx -i "$NR_IF_A" --count 1 -q \
    >/dev/null 2>"$NR_TMP/no-ipc-lock.err" || rc=$?
[ "$rc" = 1 ] && grep -q "CAP_IPC_LOCK" "$NR_TMP/no-ipc-lock.err" && grep -qi "RLIMIT_MEMLOCK\|ulimit -l" "$NR_TMP/no-ipc-lock.err" ||
    fail "xdp-tx without CAP_IPC_LOCK under a 64 KiB memlock limit: expected exit 1 naming CAP_IPC_LOCK and RLIMIT_MEMLOCK; got $rc: $(cat "$NR_TMP/no-ipc-lock.err")"
expect_refusal no-ipc-lock-capture CAP_IPC_LOCK in_b prlimit --memlock=65536 "${UNPRIV[@]}" "$PRIV" capture --backend xdp \
    -i "$NR_IF_B" -c 1 -q -w "$OUT/x.pcapng"
nr_log "no-ipc-lock: refused as expected: $(head -n 1 "$NR_TMP/no-ipc-lock.err" | cut -c1-160)"

pass
