#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prints the Interface Statistics Blocks of a pcapng file as key=value lines (tshark and capinfos do not show their values).

Only a supplement to the libpcap/tshark checks: it reads the block chain
(type, length, trailing length copy) and the ISB options, and says which
block is last. Usage: pcapng_isb.py FILE
Output, one line per ISB: isb iface=0 starttime=... endtime=... ifrecv=...
then "last_block_type=N", "epb_count=N", "tsresol=N", and how many EPBs carry
each option: "epb_hash_count=N" (with the hash value's algorithm byte as
"epb_hash_algorithms=5,..."), "epb_queue_count=N", "epb_dropcount_sum=N".
Exit 1 with a message on any structural problem.
"""

import struct
import sys

NAMES = {2: "starttime", 3: "endtime", 4: "ifrecv", 5: "ifdrop", 6: "filteraccept", 7: "osdrop", 8: "usrdeliv"}


def main():
    data = open(sys.argv[1], "rb").read()
    pos = 0
    endian = "<"
    last_type = None
    epbs = 0
    hashes = queues = dropcount = 0
    algorithms = set()
    tsresol = 6
    out = []
    while pos < len(data):
        if len(data) - pos < 12:
            print(f"truncated block header at offset {pos}", file=sys.stderr)
            return 1
        btype = struct.unpack_from(endian + "I", data, pos)[0]
        if btype == 0x0A0D0D0A:
            magic = data[pos + 8:pos + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack_from(endian + "I", data, pos + 4)[0]
        if blen < 12 or blen % 4 or pos + blen > len(data):
            print(f"bad block length {blen} at offset {pos} (file {len(data)} bytes)", file=sys.stderr)
            return 1
        trailer = struct.unpack_from(endian + "I", data, pos + blen - 4)[0]
        if trailer != blen:
            print(f"block at {pos}: trailing length {trailer} != {blen}", file=sys.stderr)
            return 1
        body = data[pos + 8:pos + blen - 4]
        if btype == 1:  # IDB: look for if_tsresol
            opt = 8
            while opt + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, opt)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    tsresol = body[opt + 4]
                opt += 4 + ((olen + 3) & ~3)
        elif btype == 6:
            epbs += 1
            caplen = struct.unpack_from(endian + "I", body, 12)[0]
            opt = 20 + ((caplen + 3) & ~3)
            while opt + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, opt)
                if code == 0:
                    break
                value = body[opt + 4:opt + 4 + olen]
                if code == 3 and olen >= 1:
                    hashes += 1
                    algorithms.add(value[0])
                elif code == 4 and olen == 8:
                    dropcount += struct.unpack(endian + "Q", value)[0]
                elif code == 6 and olen == 4:
                    queues += 1
                opt += 4 + ((olen + 3) & ~3)
        elif btype == 5:
            iface, hi, lo = struct.unpack_from(endian + "III", body, 0)
            fields = {"iface": iface, "ts": (hi << 32) | lo}
            opt = 12
            while opt + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, opt)
                if code == 0:
                    break
                value = body[opt + 4:opt + 4 + olen]
                if code in (2, 3) and olen == 8:
                    h, l = struct.unpack(endian + "II", value)
                    fields[NAMES[code]] = (h << 32) | l
                elif code in NAMES and olen == 8:
                    fields[NAMES[code]] = struct.unpack(endian + "Q", value)[0]
                opt += 4 + ((olen + 3) & ~3)
            out.append("isb " + " ".join(f"{k}={v}" for k, v in fields.items()))
        last_type = btype
        pos += blen
    print("\n".join(out))
    print(f"last_block_type={last_type}")
    print(f"epb_count={epbs}")
    print(f"tsresol={tsresol}")
    print(f"epb_hash_count={hashes}")
    print(f"epb_hash_algorithms={','.join(str(a) for a in sorted(algorithms))}")
    print(f"epb_queue_count={queues}")
    print(f"epb_dropcount_sum={dropcount}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
