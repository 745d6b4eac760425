#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The built-in demo: two network namespaces joined by a veth pair, UDP
# traffic across it, captured by `netring capture` into a pcapng that
# capinfos and tcpdump then read. Everything it makes is removed on exit.
set -euo pipefail

netring=${1:-build/src/cli/netring}
netring=$(readlink -f "$netring")
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 2; }
[ -x "$netring" ] || { echo "demo: no netring binary at $netring (build it first)" >&2; exit 2; }

tag=nrd$$
ns_a=${tag}a ns_b=${tag}b
if_a=${tag}a0 if_b=${tag}b0
net=10.77.$((RANDOM % 200 + 20))
work=$(mktemp -d /tmp/netring-demo.XXXXXX)
capture_pid=

cleanup() {
  [ -n "$capture_pid" ] && kill "$capture_pid" 2>/dev/null || true
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== namespaces $ns_a and $ns_b, veth $if_a <-> $if_b, $net.0/24"
ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add "$if_a" netns "$ns_a" type veth peer name "$if_b" netns "$ns_b"
ip -n "$ns_a" addr add "$net.1/24" dev "$if_a"
ip -n "$ns_b" addr add "$net.2/24" dev "$if_b"
ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" link set "$if_b" up
# Static neighbours: the capture then holds exactly the UDP we send.
mac_b=$(ip -n "$ns_b" -br link show "$if_b" | awk '{print $3}')
ip -n "$ns_a" neigh replace "$net.2" lladdr "$mac_b" dev "$if_a" nud permanent

frames=1000
out=$work/demo.pcapng
echo "== netring capture -i $if_b -c $frames -w $out udp"
ip netns exec "$ns_b" "$netring" capture -i "$if_b" -c "$frames" -w "$out" -q udp &
capture_pid=$!
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done

echo "== sending $frames UDP datagrams of 18 to 1472 bytes from $net.1 to $net.2:9"
ip netns exec "$ns_a" python3 - "$net.2" "$frames" <<'PY'
import socket, sys
dst, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(count):
    size = 18 + (i * 97) % 1455
    s.sendto(i.to_bytes(4, "big") * (size // 4) + b"x" * (size % 4), (dst, 9))
PY
wait "$capture_pid"
capture_pid=

echo "== capinfos"
capinfos -t -E -c -d -u -a -e -i -z "$out"
echo "== first frames, as tcpdump reads them"
tcpdump -nn -r "$out" -c 5 2>/dev/null
echo "== done: $(tcpdump -n -r "$out" 2>/dev/null | wc -l) frames captured and read back"
