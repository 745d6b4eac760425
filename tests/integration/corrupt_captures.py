#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes damaged copies of capture files, reproducibly from a seed: flipped bytes, cut tails, huge length fields.
"""corrupt_captures.py --seed S --count N --out DIR FILE...

Each copy takes a file chosen at random and applies one kind of damage:
  flip     1 to 16 bytes anywhere XORed with a random non-zero value
  header   1 to 4 bytes flipped within the first 64 (file/section header)
  cut      the file cut at a random offset (possibly inside a header)
  caplen   a record's captured length (pcap) or an Enhanced Packet Block's
           captured length (pcapng) set to a huge or just-too-large value
  blocklen a pcap record's original length or a pcapng block's total length
           set to a huge value
Prints one line per copy: name, kind, source file.
"""
import argparse
import os
import random
import struct

HUGE = [0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x10000000, 0x00040001, 0x0000FFFF, 0x00010000]


def pcap_records(data):
    """(offset of record header, endianness) of each pcap record."""
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        out.append(off)
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        off += 16 + caplen
    return end, out


def pcapng_blocks(data):
    """(offset, type) of each block; endianness from the first section header."""
    end = "<"
    if len(data) >= 12:
        end = "<" if struct.unpack("<I", data[8:12])[0] == 0x1A2B3C4D else ">"
    off, out = 0, []
    while off + 12 <= len(data):
        btype, blen = struct.unpack(end + "II", data[off:off + 8])
        out.append((off, btype))
        if blen < 12 or blen % 4:
            break
        off += blen
    return end, out


def damage(rng, data, kind):
    d = bytearray(data)
    is_ng = d[:4] == b"\x0a\x0d\x0d\x0a"
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            d[rng.randrange(len(d))] ^= rng.randint(1, 255)
    elif kind == "header":
        for _ in range(rng.randint(1, 4)):
            d[rng.randrange(min(64, len(d)))] ^= rng.randint(1, 255)
    elif kind == "cut":
        d = d[:rng.randrange(len(d))]
    elif is_ng:
        end, blocks = pcapng_blocks(d)
        if kind == "caplen":
            epbs = [o for o, t in blocks if t == 6 and o + 24 <= len(d)]
            if epbs:
                o = rng.choice(epbs)
                d[o + 20:o + 24] = struct.pack(end + "I", rng.choice(HUGE))
                return bytes(d)
        o, _ = rng.choice(blocks) if blocks else (0, 0)
        d[o + 4:o + 8] = struct.pack(end + "I", rng.choice(HUGE))
    else:
        end, recs = pcap_records(d)
        if not recs:
            d[16:20] = struct.pack("<I", rng.choice(HUGE))  # the snap length
            return bytes(d)
        o = rng.choice(recs)
        field = o + 8 if kind == "caplen" else o + 12
        d[field:field + 4] = struct.pack(end + "I", rng.choice(HUGE))
    return bytes(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--out", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    kinds = ["flip", "header", "cut", "caplen", "blocklen"]
    files = sorted(f for f in a.files if os.path.getsize(f) > 0)
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.count):
        src = rng.choice(files)
        kind = kinds[i % len(kinds)]
        data = open(src, "rb").read()
        ext = ".pcapng" if data[:4] == b"\x0a\x0d\x0d\x0a" else ".pcap"
        name = f"{i:03d}-{kind}{ext}"
        with open(os.path.join(a.out, name), "wb") as f:
            f.write(damage(rng, data, kind))
        print(name, kind, os.path.basename(src))


if __name__ == "__main__":
    main()
