#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring replay sends the tcpdump corpus (479 real Ethernet captures)
# across a veth pair with each backend; tcpdump on the far end must receive
# exactly the frames that fit the link, byte for byte and in order, and the
# report must count every frame it skipped, by reason.
. "$(dirname "$0")/lib.sh"
nr_require tcpdump python3
nr_require_netring
[ -d "$SHARED_CAPTURES/ethernet" ] || skip "no corpus at $SHARED_CAPTURES/ethernet"
nr_setup

mapfile -t files < <(ls "$SHARED_CAPTURES"/ethernet/* | sort)
# Each file rewritten as classic pcap by tcpdump (libpcap reads pcapng for
# it), so one small reader below sees every frame as tcpdump does.
mkdir -p "$NR_TMP/conv"
i=0
for f in "${files[@]}"; do
    tcpdump -r "$f" -w "$NR_TMP/conv/$(printf %04d $i).pcap" 2>/dev/null || fail "tcpdump cannot read $f"
    i=$((i + 1))
done

# What should arrive: whole frames (not cut at capture time), at least an
# Ethernet header, within MTU 1500 + header (+ 4 for a VLAN tag). Decided
# from tcpdump's copies (tshark's cap_len filter and mergecap miss 17 of the
# 489 frames that tcpdump and the corpus ground truth count as cut).
python3 - "$NR_TMP/expected.pcap" "$NR_TMP"/conv/*.pcap > "$NR_TMP/counts" <<'PY' || fail "cannot select the expected frames"
import struct, sys
out = []
total = snapped = 0
for path in sys.argv[2:]:
  data = open(path, "rb").read()
  end = "<" if struct.unpack("<I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
  if not out:
    out_end = end
    out.append(data[:24])
  off = 24
  while off + 16 <= len(data):
    caplen, origlen = struct.unpack(end + "II", data[off + 8:off + 16])
    frame = data[off + 16:off + 16 + caplen]
    total += 1
    tagged = len(frame) >= 14 and frame[12:14] in (b"\x81\x00", b"\x88\xa8")
    if caplen < origlen:
        snapped += 1
    elif 14 <= caplen <= 1514 + (4 if tagged else 0):
        # Every record in the header's byte order, so the file stays valid.
        ts_s, ts_u = struct.unpack(end + "II", data[off:off + 8])
        out.append(struct.pack(out_end + "IIII", ts_s, ts_u, caplen, origlen) + frame)
    off += 16 + caplen
open(sys.argv[1], "wb").write(b"".join(out))
print(total, len(out) - 1, snapped)
PY
read -r total want snapped < "$NR_TMP/counts"
nr_log "corpus: $total frames, $want fit the link, $snapped were cut at capture time"
[ "$total" -eq 8510 ] || fail "mergecap gives $total frames, the corpus README says 8510"
[ "$(tcpdump -n -r "$NR_TMP/expected.pcap" 2>/dev/null | grep -c '^[0-9]')" -gt 0 ] || fail "tcpdump cannot read the expected frames"

# Frame bytes of a pcap written by tcpdump/tshark, one hex line per frame.
frames_hex() {
    python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", data[:4])[0]
end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
off = 24
while off + 16 <= len(data):
    caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
    print(data[off + 16:off + 16 + caplen].hex())
    off += 16 + caplen
PY
}
frames_hex "$NR_TMP/expected.pcap" > "$NR_TMP/expected.hex"
# The report's bytes_sent: the bytes of the frames that fit.
want_bytes=$(awk '{ n += length($0) / 2 } END { print n + 0 }' "$NR_TMP/expected.hex")

for backend in ${REPLAY_BACKENDS:-packet xdp}; do
    got=$NR_TMP/got-$backend.pcap
    NR_CAPTURE_FILTER=0 start_capture "tcpdump-$backend" tcpdump -i "$NR_IF_B" -Q in -B 65536 -U -w "$got"
    tcpdump_pid=$CAP_PID
    # Paced, so the receiving veth's backlog (1000 frames) never overflows.
    in_a "$NETRING" replay -i "$NR_IF_A" --backend "$backend" -p 20000 --json "${files[@]}" \
        > "$NR_TMP/report-$backend.json" 2> "$NR_TMP/replay-$backend.err"
    rc=$?
    [ "$rc" -eq 0 ] || { cat "$NR_TMP/replay-$backend.err" >&2; fail "replay --backend $backend exited $rc"; }
    n=$(wait_frames "$got" "$want" 20) || nr_log "tcpdump has $n of $want frames"
    stop_capture "$tcpdump_pid"
    nr_log "$backend: $(cat "$NR_TMP/report-$backend.json")"
    nr_log "$backend: $(grep -h 'dropped' "$NR_TMP/tcpdump-$backend.err" | tr '\n' ' ')"
    nr_log "$backend: sender $(ip -n "$NR_NS_A" -s -s link show "$NR_IF_A" | tr -s ' \n' ' ')"
    frames_hex "$got" > "$NR_TMP/got-$backend.hex"
    if ! cmp -s "$NR_TMP/expected.hex" "$NR_TMP/got-$backend.hex"; then
        diff <(cut -c1-120 "$NR_TMP/expected.hex") <(cut -c1-120 "$NR_TMP/got-$backend.hex") | head -20 >&2
        fail "$backend: the frames received differ from the frames that fit ($(wc -l < "$NR_TMP/got-$backend.hex") received, $want expected)"
    fi
    python3 - "$NR_TMP/report-$backend.json" "$total" "$want" "$snapped" "$want_bytes" <<'PY' || fail "$backend: the report does not account for every frame"
import json, sys
r = json.load(open(sys.argv[1]))
total, want, snapped, want_bytes = map(int, sys.argv[2:])
skipped = r["skipped_oversize"] + r["skipped_snapped"] + r["skipped_runt"]
ok = (r["frames_sent"] == want and r["skipped_snapped"] == snapped
      and r["frames_sent"] + skipped == total and r["truncated"] == 0 and r["bytes_sent"] == want_bytes)
print(f"report: sent {r['frames_sent']} ({r['bytes_sent']} bytes, want {want_bytes}), skipped {skipped} "
      f"(oversize {r['skipped_oversize']}, snapped {r['skipped_snapped']}, runt {r['skipped_runt']})", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
    nr_log "$backend: $want frames arrived byte-identical and in order"
done
pass
