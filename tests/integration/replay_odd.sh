#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring replay refuses every file of another link type than Ethernet
# (/work/shared/captures/odd: 802.11, cooked, PPP, raw IP, unknown types...)
# with one line naming the file and its link type, exit 2, and sends nothing,
# not even the frames of good files listed before it; empty files likewise.
. "$(dirname "$0")/lib.sh"
nr_require python3
: "${SHARED_CAPTURES:=$NR_LIB_DIR/../../../shared/captures}"
[ -d "$SHARED_CAPTURES/odd" ] || skip "no odd captures at $SHARED_CAPTURES/odd"
nr_setup
nr_require_netring  # after nr_setup: tests its own copy of the binary

rx_packets() { in_b cat "/sys/class/net/$NR_IF_B/statistics/rx_packets"; }
good=$(ls "$SHARED_CAPTURES"/ethernet/*.pcap | head -n 1)
: >"$NR_TMP/zero-bytes.pcap"
# A capture with its header and no frame.
python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' \
    "$NR_TMP/empty.pcap"

failures=0
# refused WANT_TEXT FILE...: exit 2, exactly one line, naming the last file.
refused() {
    local want=$1 rc=0 last=${*: -1}
    shift
    in_a "$NETRING" replay -i "$NR_IF_A" -t "$@" >"$NR_TMP/out" 2>"$NR_TMP/err" || rc=$?
    local lines
    lines=$(grep -c . "$NR_TMP/err")
    if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -qF "$last" "$NR_TMP/err" || ! grep -q -- "$want" "$NR_TMP/err"; then
        sed 's/^/    /' "$NR_TMP/err" >&2
        nr_log "FAIL: replay ${*##*/}: exit $rc, $lines line(s); want exit 2 and one line naming $last and saying '$want'"
        failures=$((failures + 1))
    fi
}

before=$(rx_packets)
n=0
for f in "$SHARED_CAPTURES"/odd/*; do
    refused "cannot be sent on Ethernet" "$f"
    n=$((n + 1))
done
nr_log "$n odd files refused; e.g. $(cat "$NR_TMP/err")"
refused "cannot be sent on Ethernet" "$good" "$SHARED_CAPTURES/odd/LINKTYPE_RAW_ipv4.pcap"
refused "cannot be sent on Ethernet" --backend packet "$good" "$SHARED_CAPTURES/odd/nflog.pcap"
refused "holds no frames" "$NR_TMP/empty.pcap"
# libpcap calls both a truncated dump file; netring once said "not a pcap or
# pcapng file" of 0 bytes.
refused "zero-bytes.pcap is empty (0 bytes): nothing to replay$" "$NR_TMP/zero-bytes.pcap"
refused "zero-bytes.pcap is empty (0 bytes): leave it out$" "$good" "$NR_TMP/zero-bytes.pcap"
run_nr stdin-empty bash -c ': | "$@" -' _ "$NETRING" replay -i "$NR_IF_B" -t
expect_error "replay - from an empty pipe" 2 '^netring replay: standard input is empty \(0 bytes\): nothing to replay$'
head -c 10 "$NR_TMP/empty.pcap" >"$NR_TMP/ten-bytes.pcap"
refused "ten-bytes.pcap: cut short in its file header (10 bytes): not a whole pcap or pcapng file$" \
    "$NR_TMP/ten-bytes.pcap"
# An interface without Ethernet headers (tun: raw IP): one line that says
# what to do, not "(tcpdump captures any kind)".
if ip netns exec "$NR_NS_B" ip tuntap add dev nrtun0 mode tun 2>/dev/null; then
    ip -n "$NR_NS_B" link set nrtun0 up
    for backend in xdp packet; do
        run_nr tun "$NETRING" replay -i nrtun0 --backend "$backend" -t "$good"
        expect_error "replay --backend $backend on a tun interface" 2 \
            '^netring replay: invalid interface nrtun0: it carries no Ethernet headers \(ARPHRD type 65534: raw IP\), and netring sends Ethernet frames only: send on an Ethernet interface, such as a veth or a tap device \(not tun\)$'
    done
    ip -n "$NR_NS_B" link del nrtun0
else
    nr_log "note: no tun device could be made here: the refusal of a non-Ethernet interface was not checked"
fi
sleep 0.3
sent=$(($(rx_packets) - before))
[ "$sent" = 0 ] || { nr_log "FAIL: $sent frames reached $NR_IF_B from refused runs"; failures=$((failures + 1)); }

# Tagged frames of MTU + 18 bytes: an 802.1Q one fits either TX ring; an
# 802.1ad one only AF_XDP's (AF_PACKET marks it WRONG_FORMAT, which once
# stopped the replay with "Message too long" even under --oversize skip).
python3 - "$NR_TMP/tagged.pcap" <<'PY' || fail "cannot write the tagged frames"
import struct, sys
recs = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for tpid in (0x8100, 0x88a8, 0x8100):
    frame = b"\x02\x77\0\0\0\x0e" + b"\x02\x77\0\0\0\x0f" + struct.pack("!HHH", tpid, 5, 0x88b5) + bytes(1500)
    recs.append(struct.pack("<IIII", 1_700_000_000, 0, len(frame), len(frame)) + frame)
open(sys.argv[1], "wb").write(b"".join(recs))
PY
for want in "xdp 3 0" "packet 2 1"; do
    read -r backend n_sent n_skipped <<<"$want"
    rc=0
    in_a "$NETRING" replay -i "$NR_IF_A" --backend "$backend" -t --oversize skip --json "$NR_TMP/tagged.pcap" \
        >"$NR_TMP/tagged.json" 2>"$NR_TMP/tagged.err" || rc=$?
    got=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["frames_sent"], r["skipped_oversize"])' \
        "$NR_TMP/tagged.json" 2>/dev/null)
    if [ "$rc" != 0 ] || [ "$got" != "$n_sent $n_skipped" ]; then
        nr_log "FAIL: --backend $backend, tagged frames of 1518 bytes: exit $rc, sent and skipped '$got', want '$n_sent $n_skipped': $(head -n 2 "$NR_TMP/tagged.err")"
        failures=$((failures + 1))
    fi
done

# A link without carrier (a veth whose peer, in the other namespace, is
# down) drops what it is given: one warning, and the replay goes on.
ip -n "$NR_NS_A" link add "${NR_IF_A}c" type veth peer name "${NR_IF_B}c" netns "$NR_NS_B"
ip -n "$NR_NS_A" link set "${NR_IF_A}c" up
for backend in xdp packet; do
    rc=0
    in_a "$NETRING" replay -i "${NR_IF_A}c" --backend "$backend" -t -q "$good" 2>"$NR_TMP/carrier.err" || rc=$?
    if [ "$rc" != 0 ] || [ "$(grep -c '^netring: warning: ' "$NR_TMP/carrier.err")" != 1 ] ||
        ! grep -qx "netring: warning: ${NR_IF_A}c has no carrier (.*): the frames sent will be dropped" "$NR_TMP/carrier.err"; then
        nr_log "FAIL: --backend $backend without carrier: exit $rc, stderr '$(cat "$NR_TMP/carrier.err")'"
        failures=$((failures + 1))
    fi
done
[ "$failures" = 0 ] || fail "$failures checks failed"
pass
