#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Sends UDP frames carrying the netring stamp (src/netring/traffic/stamp.h) out of one interface, paced on an absolute schedule.

Stamp, at offset 0 of the UDP payload, big-endian: 8-byte sequence number,
8-byte CLOCK_REALTIME send time in ns, 2-byte stream id (18 bytes: a 60-byte
IPv4 frame has exactly that room).

Deliberate faults, so that a receiver's loss/duplicate/reorder counts can be
checked against a known answer:
  --skip-every N [--skip-offset K]   never send sequence numbers s with s % N == K
  --duplicate-every N                send s twice when s % N == N - 1
  --swap-every N                     send s+1 before s when s % N == 0 (s+1 < count)
  --stamp-age-ms MS                  stamp each frame MS earlier than it is sent

The faults imitate a network's, stamps included: a duplicate carries its
original's stamp, and a frame sent after a higher number is stamped as if it
had left just before that one (a sender stamps in sequence order; only a
sender that starts over stamps a lower number later than a higher one).

Prints one JSON object on stdout at the end: what was sent and how fast.
Stdlib only.
"""

import argparse
import json
import socket
import struct
import sys
import time

# The mix sender beside this file has the MAC parser and RFC 1071 checksum.
from send_frames import csum, mac_bytes


def stamp(seq, sent_ns, stream):
    return struct.pack("!QQH", seq, sent_ns, stream)


class Builder:
    def __init__(self, args, src_mac):
        self.a = args
        self.src_mac = src_mac
        self.v6 = args.ipv6
        self.src_ip = socket.inet_pton(socket.AF_INET6 if self.v6 else socket.AF_INET, args.src_ip)
        self.dst_ip = socket.inet_pton(socket.AF_INET6 if self.v6 else socket.AF_INET, args.dst_ip)
        head = 14 + (40 if self.v6 else 20) + 8
        self.payload_len = max(18, args.size - head)

    def frame(self, seq, sent_ns):
        a = self.a
        payload = stamp(seq, sent_ns, a.stream) + b"\0" * (self.payload_len - 18)
        ulen = 8 + len(payload)
        if self.v6:
            pseudo = self.src_ip + self.dst_ip + struct.pack("!I3xB", ulen, 17)
        else:
            pseudo = self.src_ip + self.dst_ip + struct.pack("!BBH", 0, 17, ulen)
        c = csum(pseudo + struct.pack("!HHHH", a.src_port, a.port, ulen, 0) + payload) or 0xFFFF
        udp = struct.pack("!HHHH", a.src_port, a.port, ulen, c) + payload
        if self.v6:
            ip = struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, 64, self.src_ip, self.dst_ip)
            etype = 0x86DD
        else:
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), seq & 0xFFFF, 0x4000, 64, 17, 0,
                              self.src_ip, self.dst_ip)
            ip = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
            etype = 0x0800
        return a.dst_mac + self.src_mac + struct.pack("!H", etype) + ip + udp


def schedule(args):
    """The sequence numbers in sending order, faults included."""
    order = []
    s = args.first
    end = args.first + args.count
    while s < end:
        if args.swap_every and (s - args.first) % args.swap_every == 0 and s + 1 < end:
            pair = [s + 1, s]
            s += 2
        else:
            pair = [s]
            s += 1
        for q in pair:
            if args.skip_every and q % args.skip_every == args.skip_offset:
                continue
            order.append(q)
            if args.duplicate_every and q % args.duplicate_every == args.duplicate_every - 1:
                order.append(q)
    return order


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-i", "--interface", required=True)
    ap.add_argument("--dst-mac", type=mac_bytes, required=True)
    ap.add_argument("--src-mac", type=mac_bytes)
    ap.add_argument("--src-ip", default="10.77.0.1")
    ap.add_argument("--dst-ip", default="10.77.0.99", help="nobody's address, so the receiver stays silent")
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--src-port", type=int, default=40000)
    ap.add_argument("--port", type=int, default=9, help="UDP destination port (netring stats --port)")
    ap.add_argument("--stream", type=int, default=0)
    ap.add_argument("--first", type=int, default=0, help="first sequence number")
    ap.add_argument("-c", "--count", type=int, default=100, help="sequence numbers to cover")
    ap.add_argument("--rate", type=float, default=0, help="frames per second; 0 = as fast as possible")
    ap.add_argument("--size", type=int, default=60, help="frame size without FCS")
    ap.add_argument("--skip-every", type=int, default=0)
    ap.add_argument("--skip-offset", type=int, default=0)
    ap.add_argument("--duplicate-every", type=int, default=0)
    ap.add_argument("--swap-every", type=int, default=0)
    ap.add_argument("--stamp-age-ms", type=float, default=0,
                    help="stamps say each frame left this long before it did: a path that long")
    args = ap.parse_args()

    with open(f"/sys/class/net/{args.interface}/address") as f:
        own_mac = mac_bytes(f.read().strip())
    builder = Builder(args, args.src_mac or own_mac)
    age_ns = int(args.stamp_age_ms * 1e6)
    order = schedule(args)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    sock.bind((args.interface, 0))
    start = time.monotonic_ns()
    stamps = {}  # sequence number -> its stamp
    highest = None
    for i, seq in enumerate(order):
        if args.rate > 0:
            due = start + int(i * 1e9 / args.rate)
            now = time.monotonic_ns()
            if due > now:
                time.sleep((due - now) / 1e9)
        if seq in stamps:
            sent_ns = stamps[seq]
        elif highest is not None and seq < highest:
            sent_ns = stamps[highest] - (highest - seq)
        else:
            sent_ns = time.time_ns() - age_ns
            highest = seq
        stamps[seq] = sent_ns
        frame = builder.frame(seq & 0xFFFFFFFFFFFFFFFF, sent_ns)
        while True:
            try:
                sock.send(frame)
                break
            except OSError as e:
                if e.errno in (105, 11):  # ENOBUFS, EAGAIN: back-pressure
                    time.sleep(0.0005)
                    continue
                raise
    elapsed = (time.monotonic_ns() - start) / 1e9
    json.dump({"frames": len(order), "unique": len(set(order)), "bytes": len(order) * len(builder.frame(0, 0)),
               "elapsed_s": elapsed, "rate_pps": len(order) / elapsed if elapsed > 0 else 0}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
