#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring info against ip, ethtool, sysfs and bpftool: link facts, queues, an attached XDP program, and the capabilities of unprivileged callers.
. "$(dirname "$0")/lib.sh"

nr_require ethtool bpftool setpriv setcap
nr_setup
nr_require_netring
"$NETRING" info --help >/dev/null 2>&1 || fail "netring has no info subcommand"

# field JSON PYTHON-EXPR: evaluates EXPR with j = the parsed JSON (fails the test on bad JSON).
field() {
    python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" ||
        fail "netring info printed invalid JSON or lacks $2: $(head -c 300 "$1")"
}

in_b "$NETRING" info -i "$NR_IF_B" --format json >"$NR_TMP/idle.json" || fail "netring info -i $NR_IF_B --format json failed"
I="j['interfaces'][0]"
[ "$(field "$NR_TMP/idle.json" "len(j['interfaces'])")" = 1 ] || fail "-i $NR_IF_B did not give exactly one interface"
[ "$(field "$NR_TMP/idle.json" "$I['name']")" = "$NR_IF_B" ] || fail "wrong interface name"
ip -n "$NR_NS_B" -j link show "$NR_IF_B" >"$NR_TMP/ip.json"
for k in mtu ifindex address; do
    want=$(field "$NR_TMP/ip.json" "j[0]['$k']")
    key=$k; [ "$k" = ifindex ] && key=index
    got=$(field "$NR_TMP/idle.json" "$I['$key']")
    [ "$got" = "$want" ] || fail "$key: netring info says $got, ip link says $want"
done
want=$(in_b ethtool -i "$NR_IF_B" | awk '$1 == "driver:" { print $2 }')
[ "$(field "$NR_TMP/idle.json" "$I['driver']")" = "$want" ] || fail "driver is not ethtool's $want"
for dir in rx tx; do
    want=$(in_b sh -c "ls -d /sys/class/net/$NR_IF_B/queues/$dir-* | wc -l")
    got=$(field "$NR_TMP/idle.json" "$I['${dir}_queues']")
    [ "$got" = "$want" ] || fail "$dir queues: netring info says $got, sysfs has $want"
done
[ "$(field "$NR_TMP/idle.json" "$I['xdp_programs']")" = "[]" ] || fail "an XDP program is reported on a fresh veth"
# veth has native XDP with XDP_REDIRECT (the netdev netlink family exists since Linux 6.3).
[ "$(field "$NR_TMP/idle.json" "$I['xdp']['native']")" = True ] || fail "veth not reported as native-XDP capable: $(field "$NR_TMP/idle.json" "$I['xdp']")"
[ "$(field "$NR_TMP/idle.json" "j['capabilities']")" = "{'CAP_NET_RAW': True, 'CAP_NET_ADMIN': True, 'CAP_BPF': True, 'CAP_IPC_LOCK': True}" ] ||
    fail "root should hold all four capabilities: $(field "$NR_TMP/idle.json" "j['capabilities']")"
[ "$(field "$NR_TMP/idle.json" "j['kernel']['release']")" = "$(uname -r)" ] || fail "kernel release differs from uname -r"

# A tun device has no link-layer address (ip link: link/none, no address):
# none in either format, rather than zeros that read as one.
TUN="${NR_IF_B}t"
if ip -n "$NR_NS_B" tuntap add dev "$TUN" mode tun 2>/dev/null; then
    ip -n "$NR_NS_B" -j link show "$TUN" | has -v '"address"' || fail "ip link shows an address for tun $TUN"
    in_b "$NETRING" info -i "$TUN" --format json >"$NR_TMP/tun.json" || fail "netring info -i $TUN failed"
    [ "$(field "$NR_TMP/tun.json" "$I['address']")" = None ] || fail "tun address: $(field "$NR_TMP/tun.json" "$I['address']"), want null"
    in_b "$NETRING" info -i "$TUN" >"$NR_TMP/tun.txt" || fail "netring info -i $TUN (text) failed"
    grep -qx '  address *-' "$NR_TMP/tun.txt" || fail "tun address in text: $(grep address "$NR_TMP/tun.txt")"
    ip -n "$NR_NS_B" link del "$TUN"
else
    nr_log "note: cannot create a tun device here (no /dev/net/tun?): the no-address check is skipped"
fi

# With netring's own AF_XDP capture attached, info shows its program as bpftool does.
start_bg --out "$NR_TMP/xdp.out" --err "$NR_TMP/xdp.err" in_b "$NETRING" --log-level info capture --backend xdp \
    --xdp-mode generic -i "$NR_IF_B" -q -w "$NR_TMP/x.pcapng"
XDP_PID=$BG_PID
n=100
until grep -q 'frames received on this queue go to netring' "$NR_TMP/xdp.err" 2>/dev/null; do
    n=$((n - 1))
    [ "$n" -gt 0 ] || { sed 's/^/    /' "$NR_TMP/xdp.err" >&2; fail "AF_XDP capture did not become ready"; }
    sleep 0.1
done
in_b "$NETRING" info -i "$NR_IF_B" --format json >"$NR_TMP/attached.json" || fail "netring info failed with a program attached"
id=$(ip -n "$NR_NS_B" -j link show "$NR_IF_B" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])')
[ "$(field "$NR_TMP/attached.json" "[(p['id'], p['name'], p['mode']) for p in $I['xdp_programs']]")" = "[($id, 'netring_xsk', 'generic')]" ] ||
    fail "attached program: netring info says $(field "$NR_TMP/attached.json" "$I['xdp_programs']"), ip link says id $id generic"
bpftool prog show id "$id" | has 'name netring_xsk' || fail "bpftool disagrees about program $id"
in_b "$NETRING" info -i "$NR_IF_B" >"$NR_TMP/attached.txt" || fail "netring info (text) failed"
grep -q "xdp program *id $id \"netring_xsk\", generic mode" "$NR_TMP/attached.txt" || fail "text output lacks the program: $(cat "$NR_TMP/attached.txt")"
stop_capture "$XDP_PID"

# An unprivileged caller: capget says nothing is held, and each command lists what it lacks.
UNPRIV=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
in_b "${UNPRIV[@]}" "$NETRING" info -i "$NR_IF_B" --format json >"$NR_TMP/nobody.json" || fail "netring info as nobody failed"
[ "$(field "$NR_TMP/nobody.json" "sorted(k for k, v in j['capabilities'].items() if v)")" = "[]" ] || fail "nobody holds capabilities?"
[ "$(field "$NR_TMP/nobody.json" "j['lacking']['capture']")" = "['CAP_NET_RAW']" ] || fail "capture should lack CAP_NET_RAW"
# ...and with file capabilities, exactly those.
mkdir -p "$NR_TMP/bin" && cp "$NETRING" "$NR_TMP/bin/netring" && chmod 755 "$NR_TMP/bin" || fail "copy failed"
setcap cap_net_raw,cap_bpf+ep "$NR_TMP/bin/netring" || skip "setcap failed"
in_b "${UNPRIV[@]}" "$NR_TMP/bin/netring" info -i "$NR_IF_B" --format json >"$NR_TMP/filecaps.json" || fail "netring info with file caps failed"
[ "$(field "$NR_TMP/filecaps.json" "sorted(k for k, v in j['capabilities'].items() if v)")" = "['CAP_BPF', 'CAP_NET_RAW']" ] ||
    fail "with cap_net_raw,cap_bpf+ep: $(field "$NR_TMP/filecaps.json" "j['capabilities']")"
[ "$(field "$NR_TMP/filecaps.json" "j['lacking']['capture_xdp']")" = "['CAP_NET_ADMIN', 'CAP_IPC_LOCK']" ] || fail "capture_xdp lacking is wrong"

# Every interface of the namespace without -i; an unknown one is a usage error.
in_b "$NETRING" info --format json >"$NR_TMP/all.json" || fail "netring info (all) failed"
[ "$(field "$NR_TMP/all.json" "sorted(i['name'] for i in j['interfaces'])")" = "['lo', '$NR_IF_B']" ] || fail "all interfaces of $NR_NS_B: $(field "$NR_TMP/all.json" "[i['name'] for i in j['interfaces']]")"
rc=0
in_b "$NETRING" info -i nosuch0 2>"$NR_TMP/nosuch.err" || rc=$?
[ "$rc" = 2 ] && grep -q "no such interface 'nosuch0'" "$NR_TMP/nosuch.err" || fail "-i nosuch0: exit $rc: $(cat "$NR_TMP/nosuch.err")"
# The same interface twice is reported once.
in_b "$NETRING" info -i "$NR_IF_B" -i "$NR_IF_B" --format json >"$NR_TMP/twice.json" || fail "netring info -i X -i X failed"
[ "$(field "$NR_TMP/twice.json" "len(j['interfaces'])")" = 1 ] || fail "-i $NR_IF_B -i $NR_IF_B did not give exactly one interface"
# A report that cannot be written is an error that says so, in both formats.
for format in text json; do
    rc=0
    in_b "$NETRING" info -i "$NR_IF_B" --format "$format" >/dev/full 2>"$NR_TMP/full.err" || rc=$?
    [ "$rc" = 1 ] && [ "$(wc -l <"$NR_TMP/full.err")" = 1 ] &&
        grep -qx "netring info: write standard output: No space left on device" "$NR_TMP/full.err" ||
        fail "--format $format >/dev/full: exit $rc, stderr '$(cat "$NR_TMP/full.err")'"
done
pass
