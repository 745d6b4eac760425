#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Sends a deterministic, varied mix of Ethernet frames out of one interface through a raw AF_PACKET socket, optionally recording them to a pcap.

The same --seed and --count always give the same bytes, so a test can compare
what a capturer wrote against what was sent (--pcap), frame by frame.

The mix: IPv4 UDP/TCP/ICMP, IPv6 UDP, ARP, 802.1Q-tagged (including a
priority tag with VID 0 and non-zero PCP/DEI bits), 802.1ad outer + 802.1Q
inner (QinQ), broadcast and IPv4/IPv6 multicast destinations, unicast to a
MAC that is not the peer's, 802.3 length frames with LLC, and the local
experimental ethertypes 0x88b5/0x88b6. Sizes
run from 60 to 1514 bytes (tagged frames may carry 4 or 8 more, as on a wire).

Destination IPs are never the receiver's own address, so the receiving
namespace stays silent (no ICMP errors, no TCP resets, no ARP replies): the
only frames on the link are the ones sent here.

Stdlib only.
"""

import argparse
import ipaddress
import os
import random
import signal
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
ETH_P_IPV6 = 0x86DD
ETH_P_LOCAL1 = 0x88B5
ETH_P_LOCAL2 = 0x88B6

BROADCAST = b"\xff" * 6

# Sizes that sit on interesting boundaries, used before falling back to random ones.
EDGE_SIZES = [60, 1514, 61, 63, 64, 65, 127, 128, 255, 256, 511, 512, 1023, 1024, 1499, 1500, 1513]

# Kinds of frame, in the order the mix cycles through them (weights by repetition).
KINDS = [
    "udp4", "tcp4", "icmp4", "udp6", "arp", "vlan_udp4", "udp4_port5000",
    "bcast_udp4", "mcast_udp4", "local_88b5", "vlan20_udp6", "udp4",
    "mcast_udp6", "arp_reply", "qinq_udp4", "llc_8023", "vlan10_udp4_port5000",
    "prio_tag_udp4", "local_88b6", "bcast_arp", "tcp4", "vlan10_arp",
    "vlan10_icmp4", "udp4_port5000", "otherhost_udp4",
]


def mac_bytes(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise argparse.ArgumentTypeError(f"bad MAC address {text!r}")
    return bytes(int(p, 16) for p in parts)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


class Mix:
    """Builds frame number i of the mix from a seeded generator."""

    def __init__(self, seed, src_mac, dst_mac, net, max_frame):
        self.rng = random.Random(seed)
        self.src_mac = src_mac
        self.dst_mac = dst_mac
        self.net = net
        self.max_frame = max_frame  # largest untagged frame (MTU + 14)
        self.seq = 0

    # --- sizes and payloads -------------------------------------------------

    def size(self):
        i = self.seq
        if i < len(EDGE_SIZES):
            s = EDGE_SIZES[(i * 7) % len(EDGE_SIZES)]
        else:
            s = self.rng.randint(60, 1514)
        return max(60, min(s, self.max_frame))

    def payload(self, n):
        # A sequence number first, so any two frames differ and a lost one can be named.
        head = struct.pack("!4sI", b"NRIT", self.seq)
        n = max(n, 0)
        body = head + self.rng.randbytes(max(0, n - len(head)))
        return body[:n]

    # --- layers -------------------------------------------------------------

    def ip4(self, last_octet):
        return socket.inet_aton(f"{self.net}.{last_octet}")

    def ipv4(self, proto, src, dst, l4, ttl=64):
        total = 20 + len(l4)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, self.seq & 0xFFFF, 0x4000,
                          ttl, proto, 0, src, dst)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return hdr + l4

    def udp4(self, src, dst, sport, dport, payload):
        length = 8 + len(payload)
        pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
        hdr = struct.pack("!HHHH", sport, dport, length, 0)
        c = csum(pseudo + hdr + payload) or 0xFFFF
        return self.ipv4(17, src, dst, struct.pack("!HHHH", sport, dport, length, c) + payload)

    def tcp4(self, src, dst, sport, dport, flags, payload):
        seqno = self.rng.getrandbits(32)
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seqno, 0, 5 << 4, flags, 65535, 0, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
        c = csum(pseudo + hdr + payload)
        hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
        return self.ipv4(6, src, dst, hdr + payload)

    def icmp4(self, src, dst, payload):
        hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4e52, self.seq & 0xFFFF)
        c = csum(hdr + payload)
        hdr = hdr[:2] + struct.pack("!H", c) + hdr[4:]
        return self.ipv4(1, src, dst, hdr + payload)

    def udp6(self, src, dst, sport, dport, payload):
        length = 8 + len(payload)
        pseudo = src + dst + struct.pack("!I3xB", length, 17)
        hdr = struct.pack("!HHHH", sport, dport, length, 0)
        c = csum(pseudo + hdr + payload) or 0xFFFF
        udp = struct.pack("!HHHH", sport, dport, length, c) + payload
        ip6 = struct.pack("!IHBB16s16s", (6 << 28) | (self.seq & 0xFFFFF), len(udp), 17, 64, src, dst)
        return ip6 + udp

    def arp(self, op, sha, spa, tha, tpa):
        return struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op, sha, spa, tha, tpa)

    # --- frames -------------------------------------------------------------

    def eth(self, dst, ethertype, body, size, tags=()):
        """dst + src + tags + ethertype + body, padded with zeros up to size."""
        head = dst + self.src_mac
        for tpid, tci in tags:
            head += struct.pack("!HH", tpid, tci)
        frame = head + struct.pack("!H", ethertype) + body
        if len(frame) < size:
            frame += b"\0" * (size - len(frame))
        return frame

    def l3_room(self, size, ntags):
        # Bytes left for the L3 packet in a frame of `size` bytes, tags included.
        return size - 14 - 4 * ntags

    def build(self, kind):
        size = self.size()
        ntags = {"vlan_udp4": 1, "vlan20_udp6": 1, "vlan10_udp4_port5000": 1, "prio_tag_udp4": 1,
                 "vlan10_arp": 1, "vlan10_icmp4": 1, "qinq_udp4": 2}.get(kind, 0)
        if ntags:
            # A tagged frame keeps its untagged size plus the tags, as on a
            # wire, within the 4 bytes that AF_PACKET grants beyond MTU + 14
            # to frames whose outer TPID is 0x8100 (not 0x88a8: QinQ frames
            # stay within MTU + 14).
            size = min(size + 4 * ntags, self.max_frame + (4 if kind != "qinq_udp4" else 0))
        room = self.l3_room(size, ntags)
        a, sink = self.ip4(1), self.ip4(99)  # .99 is nobody: the receiver stays silent
        sport = 1024 + self.rng.randint(0, 60000)
        tags = ()
        if kind in ("udp4", "vlan_udp4", "udp4_port5000", "vlan10_udp4_port5000", "prio_tag_udp4", "qinq_udp4"):
            dport = 5000 if "port5000" in kind else self.rng.choice([53, 123, 4000, 5001, 6000, 9999])
            if kind == "vlan_udp4":
                tags = ((ETH_P_8021Q, self.rng.choice([10, 20, 30, 4094])),)
            elif kind == "vlan10_udp4_port5000":
                tags = ((ETH_P_8021Q, 10),)
            elif kind == "prio_tag_udp4":
                tags = ((ETH_P_8021Q, (5 << 13) | (1 << 12) | 0),)  # PCP 5, DEI 1, VID 0
            elif kind == "qinq_udp4":
                tags = ((ETH_P_8021AD, 100), (ETH_P_8021Q, 10))
            body = self.udp4(a, sink, sport, dport, self.payload(room - 28))
            return self.eth(self.dst_mac, ETH_P_IP, body, size, tags)
        if kind == "tcp4":
            flags = self.rng.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04])
            body = self.tcp4(a, sink, sport, self.rng.choice([22, 80, 443, 5000]), flags, self.payload(room - 40))
            return self.eth(self.dst_mac, ETH_P_IP, body, size)
        if kind in ("icmp4", "vlan10_icmp4"):
            if kind == "vlan10_icmp4":
                tags = ((ETH_P_8021Q, 10),)
            body = self.icmp4(a, sink, self.payload(room - 28))
            return self.eth(self.dst_mac, ETH_P_IP, body, size, tags)
        if kind in ("udp6", "vlan20_udp6", "mcast_udp6"):
            src6 = ipaddress.IPv6Address("fd77::1").packed
            if kind == "mcast_udp6":
                dst6 = ipaddress.IPv6Address("ff0e::77:1").packed
                dmac = b"\x33\x33" + dst6[-4:]
            else:
                dst6 = ipaddress.IPv6Address("fd77::99").packed
                dmac = self.dst_mac
            if kind == "vlan20_udp6":
                tags = ((ETH_P_8021Q, 20),)
            body = self.udp6(src6, dst6, sport, 5000 if self.rng.random() < 0.3 else 7000,
                             self.payload(room - 48))
            return self.eth(dmac, ETH_P_IPV6, body, size, tags)
        if kind in ("arp", "bcast_arp", "vlan10_arp"):
            # who-has .200 (nobody), so no reply comes back; always 60 (+tag) bytes.
            body = self.arp(1, self.src_mac, a, b"\0" * 6, self.ip4(200))
            if kind == "vlan10_arp":
                tags = ((ETH_P_8021Q, 10),)
            return self.eth(BROADCAST, ETH_P_ARP, body, 60 + 4 * len(tags), tags)
        if kind == "arp_reply":
            body = self.arp(2, self.src_mac, self.ip4(201), self.dst_mac, self.ip4(202))
            return self.eth(self.dst_mac, ETH_P_ARP, body, 60)
        if kind == "otherhost_udp4":
            # Unicast to a MAC that is not the receiver's: PACKET_OTHERHOST there.
            body = self.udp4(a, sink, sport, 5000, self.payload(room - 28))
            return self.eth(b"\x02\x77\x00\x00\x00\x99", ETH_P_IP, body, size)
        if kind == "bcast_udp4":
            body = self.udp4(a, self.ip4(255), sport, 5000, self.payload(room - 28))
            return self.eth(BROADCAST, ETH_P_IP, body, size)
        if kind == "mcast_udp4":
            group = socket.inet_aton("239.77.0.1")
            dmac = b"\x01\x00\x5e" + bytes([group[1] & 0x7F, group[2], group[3]])
            body = self.udp4(a, group, sport, 5000, self.payload(room - 28))
            return self.eth(dmac, ETH_P_IP, body, size)
        if kind in ("local_88b5", "local_88b6"):
            et = ETH_P_LOCAL1 if kind == "local_88b5" else ETH_P_LOCAL2
            # 0x88b6 goes to a locally administered multicast group.
            dmac = self.dst_mac if kind == "local_88b5" else b"\x03\x00\x00\x00\x00\x01"
            return self.eth(dmac, et, self.payload(room), size)
        if kind == "llc_8023":
            # 802.3 length field instead of an ethertype, LLC UI frame to the SNAP/test SAPs.
            llc = struct.pack("!BBB", 0x42, 0x42, 0x03)
            data = llc + self.payload(min(room, 1500) - 3)
            return self.eth(b"\x01\x80\xc2\x00\x00\x00", len(data), data, size)
        raise ValueError(kind)

    def next(self):
        kind = KINDS[self.seq % len(KINDS)]
        frame = self.build(kind)
        self.seq += 1
        return kind, frame


class PcapWriter:
    """Classic pcap, nanosecond magic, Ethernet link type."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))

    def write(self, ts_ns, frame):
        self.f.write(struct.pack("<IIII", ts_ns // 1_000_000_000, ts_ns % 1_000_000_000, len(frame), len(frame)))
        self.f.write(frame)

    def close(self):
        self.f.close()


def iface_value(ifname, attr):
    with open(f"/sys/class/net/{ifname}/{attr}") as f:
        return f.read().strip()


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-i", "--interface", required=True)
    ap.add_argument("--dst-mac", type=mac_bytes, required=True, help="unicast destination (the peer)")
    ap.add_argument("--src-mac", type=mac_bytes, help="default: the interface's address")
    ap.add_argument("--net", default="10.77.0", help="first three octets of the IPv4 /24 (default 10.77.0)")
    ap.add_argument("-c", "--count", type=int, default=240, help="frames to send; 0 = until killed")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gap", type=float, default=0.0, help="seconds to wait between frames")
    ap.add_argument("--kinds", help="comma-separated subset of kinds to send (default: all)")
    ap.add_argument("--size", type=int, help="send every frame at this untagged size instead of the mix of sizes")
    ap.add_argument("--pcap", help="also write every frame sent to this pcap (nanosecond)")
    ap.add_argument("--list-kinds", action="store_true")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()

    if args.list_kinds:
        print("\n".join(sorted(set(KINDS))))
        return 0

    src_mac = args.src_mac or mac_bytes(iface_value(args.interface, "address"))
    max_frame = int(iface_value(args.interface, "mtu")) + 14
    mix = Mix(args.seed, src_mac, args.dst_mac, args.net, max_frame)
    kinds = None
    if args.kinds:
        kinds = args.kinds.split(",")
        bad = set(kinds) - set(KINDS)
        if bad:
            ap.error(f"unknown kinds: {', '.join(sorted(bad))}")
    if args.size:
        mix.size = lambda: args.size

    # SIGTERM ends a --count 0 run like Ctrl-C: the pcap still gets closed.
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)  # protocol 0: send only, receive nothing
    sock.bind((args.interface, 0))
    writer = PcapWriter(args.pcap) if args.pcap else None
    counts = {}
    sent = 0
    try:
        while args.count == 0 or sent < args.count:
            kind, frame = mix.next()
            if kinds and kind not in kinds:
                continue
            while True:
                try:
                    sock.send(frame)
                    break
                except OSError as e:
                    # A full qdisc/tx queue is back-pressure, not a test failure.
                    if e.errno in (105, 11):  # ENOBUFS, EAGAIN
                        time.sleep(0.001)
                        continue
                    raise
            if writer:
                writer.write(time.time_ns(), frame)
            counts[kind] = counts.get(kind, 0) + 1
            sent += 1
            if args.gap:
                time.sleep(args.gap)
    except KeyboardInterrupt:
        pass
    finally:
        if writer:
            writer.close()
        if not args.quiet:
            detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(f"sent {sent} frames on {args.interface}: {detail}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
