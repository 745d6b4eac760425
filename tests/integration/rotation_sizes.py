#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks that each rotated file (pcapng or pcap) ends at the first frame that reached the size limit.

Usage: rotation_sizes.py LIMIT FILE... (in rotation order). For every file but
the last: the bytes before its last frame record are below LIMIT, and the
bytes up to the end of that record are at least LIMIT (netring closes a file
before the frame that follows the limit, as tcpdump -C does). Stdlib only.
"""

import struct
import sys


def frame_ends(data):
    """Offsets (start, end) of each frame record."""
    out = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        bo = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        off = 0
        while off + 12 <= len(data):
            btype, blen = struct.unpack(bo + "II", data[off:off + 8])
            if blen < 12 or off + blen > len(data):
                raise ValueError(f"bad block at {off}")
            if btype == 6:
                out.append((off, off + blen))
            off += blen
        return out
    bo = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(bo + "I", data[off + 8:off + 12])[0]
        out.append((off, off + 16 + caplen))
        off += 16 + caplen
    return out


def main():
    limit = int(sys.argv[1])
    files = sys.argv[2:]
    bad = 0
    for name in files[:-1]:
        with open(name, "rb") as f:
            recs = frame_ends(f.read())
        if not recs:
            print(f"{name}: no frames", file=sys.stderr)
            bad += 1
            continue
        start, end = recs[-1]
        if not (start < limit <= end):
            print(f"{name}: last frame at {start}..{end}, limit {limit}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
