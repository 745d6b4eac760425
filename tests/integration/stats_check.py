#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks the output of `netring stats` against its peers (capinfos, tshark, the corpus ground truth, the sender's own account).

Subcommands (each exits 1 with one line per problem, 0 when all is well):
  files NDJSON TRUTH_TSV CAPINFOS_TSV   file mode vs ethernet.tsv and `capinfos -T -M -r -c -d -u -a -e -S -z -x -i -E -o`
  link NDJSON IFACE FRAMES BYTES RATE   live counters: exact totals, rates consistent with elapsed time, RATE within 25%
  csv CSV ROWS                          one header, ROWS rows, every row as wide as the header
  streams NDJSON PCAP PORT              capture mode vs the same traffic as tcpdump wrote it, decoded by tshark
  expect NDJSON STREAM KEY=VALUE...     fields of one stream_summary
Stdlib only; tshark does the decoding of PCAP.
"""

import csv
import json
import subprocess
import sys

problems = []


def problem(text):
    problems.append(text)
    print("  " + text, file=sys.stderr)


def load(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.endswith("\n"):
                problem(f"{path}:{n}: line without its newline")
            try:
                out.append(json.loads(line))
            except ValueError as e:
                problem(f"{path}:{n}: not JSON ({e}): {line[:200]!r}")
    return out


def ns_of(text):
    """'1575842394.599412' -> ns, exactly."""
    whole, _, frac = text.partition(".")
    return int(whole) * 1_000_000_000 + int((frac + "000000000")[:9])


def near(a, b, rel, absolute=0.0):
    return abs(a - b) <= max(abs(b) * rel, absolute)


def files(ndjson, truth_tsv, capinfos_tsv):
    recs = {r["file"].rsplit("/", 1)[-1]: r for r in load(ndjson) if r.get("type") == "file"}
    truth = {}
    for line in open(truth_tsv):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        truth[f[0]] = f
    for name, f in truth.items():
        r = recs.get(name)
        if r is None:
            problem(f"{name}: no file record")
            continue
        want = {"format": f[1], "frames": int(f[2]), "bytes": int(f[3]), "caplen_max": int(f[4]), "snapped": int(f[5])}
        for k, v in want.items():
            if r[k] != v:
                problem(f"{name}: {k} {r[k]!r}, ground truth {v!r}")
        if r["complete"] is not True:
            problem(f"{name}: not complete: {r.get('error')}")
    compared = 0
    for row in csv.reader(open(capinfos_tsv), delimiter="\t"):
        name, encap, packets, size, duration, start, end, bitrate, avgsize, pktrate, ordered = row
        r = recs.get(name.rsplit("/", 1)[-1])
        if r is None:
            problem(f"{name}: in capinfos but no file record")
            continue
        compared += 1
        checks = [("frames", r["frames"] == int(packets), packets),
                  ("wire_bytes", r["wire_bytes"] == int(size), size),
                  ("linktype", encap == "ether" and r["linktype"] == 1, encap),
                  ("time_ordered", r["time_ordered"] == (ordered == "True"), ordered)]
        if any(w in name for w in ("oobr", "asan", "seg-fault", "inf-loop", "overflow")):
            # Files made to crash dissectors hold garbage timestamps, which
            # wiretap and libpcap interpret differently; their counts still compare.
            checks = checks[:2]
        elif duration.startswith("-"):
            # capinfos reads pcap seconds as signed 32-bit, libpcap (and tcpdump) as
            # unsigned: files with times past 2038 have no common clock to compare.
            print(f"  {name}: capinfos says the capture lasted {duration} s; times not compared", file=sys.stderr)
        elif int(packets) > 0:
            checks += [("first_ts_ns", r["first_ts_ns"] == ns_of(start), start),
                       ("last_ts_ns", r["last_ts_ns"] == ns_of(end), end),
                       ("duration_ns", abs(r["duration_ns"] / 1e9 - float(duration)) <= 1e-6, duration),
                       ("frame_len_avg", near(r["frame_len_avg"], float(avgsize), 0, 0.0051), avgsize)]
        if len(checks) > 2 and r["duration_ns"] > 0 and not duration.startswith("-") and float(duration) > 0:
            # capinfos divides by a duration computed in doubles from epoch
            # seconds (about 0.25 us of rounding); netring's is exact.
            rel = 1e-6 / float(duration) + 1e-6
            checks += [("avg_bps", near(r["avg_bps"], float(bitrate), rel, 0.011), bitrate),
                       ("avg_pps", near(r["avg_pps"], float(pktrate), rel, 0.011), pktrate)]
        for key, ok, theirs in checks:
            if not ok:
                problem(f"{name}: {key} {r.get(key)!r}, capinfos says {theirs}")
    print(f"files: {len(recs)} records, {len(truth)} in the ground truth, {compared} compared with capinfos")


def link(ndjson, iface, frames, nbytes, rate):
    frames, nbytes, rate = int(frames), int(nbytes), float(rate)
    recs = [r for r in load(ndjson) if r.get("interface") == iface]
    ivs = [r for r in recs if r["type"] == "interval"]
    sums = [r for r in recs if r["type"] == "summary"]
    if len(sums) != 1:
        problem(f"{len(sums)} summaries for {iface}, want 1")
        return
    s = sums[0]
    got = sum(r["rx_packets"] for r in ivs)
    if got != frames or s["rx_packets"] != frames:
        problem(f"rx_packets: intervals add up to {got}, summary says {s['rx_packets']}, sent {frames}")
    got_bytes = sum(r["rx_bytes"] for r in ivs)
    if got_bytes != nbytes or s["rx_bytes"] != nbytes:
        problem(f"rx_bytes: intervals add up to {got_bytes}, summary {s['rx_bytes']}, sent {nbytes}")
    if any(r["tx_packets"] for r in ivs):
        problem("the receiver sent frames: the link was not quiet")
    if s["intervals"] != len(ivs):
        problem(f"summary counts {s['intervals']} intervals, there were {len(ivs)} lines")
    if ivs and ivs[-1]["rx_packets_total"] != frames:
        problem(f"rx_packets_total of the last interval {ivs[-1]['rx_packets_total']}, want {frames}")
    elapsed = 0
    prev_ts = 0
    for r in ivs:
        e = r["elapsed_ns"]
        elapsed += e
        if r["ts_ns"] <= prev_ts:
            problem(f"ts_ns not increasing: {r['ts_ns']} after {prev_ts}")
        prev_ts = r["ts_ns"]
        if e > 0:
            # Rates are the interval's counts over its real elapsed time (JSON has 3 decimals).
            if not near(r["rx_pps"], r["rx_packets"] * 1e9 / e, 1e-9, 0.002):
                problem(f"rx_pps {r['rx_pps']} != {r['rx_packets']} packets / {e} ns")
            if not near(r["rx_bps"], r["rx_bytes"] * 8e9 / e, 1e-9, 0.002):
                problem(f"rx_bps {r['rx_bps']} != {r['rx_bytes']} bytes * 8 / {e} ns")
    if abs(elapsed - s["elapsed_ns"]) > 1000:
        problem(f"summary elapsed_ns {s['elapsed_ns']} != sum of the intervals {elapsed}")
    if not near(s["rx_pps"], frames * 1e9 / s["elapsed_ns"], 1e-9, 0.002):
        problem(f"summary rx_pps {s['rx_pps']} is not the average over elapsed_ns")
    # The sending window's full intervals: all but the first and last that saw traffic.
    busy = [r for r in ivs if r["rx_packets"] > 0][1:-1]
    if busy:
        busy_rates = sorted(r["rx_pps"] for r in busy)
        median = busy_rates[len(busy_rates) // 2]
        print(f"link: {len(ivs)} intervals, {frames} frames, median rate {median:.1f} pps while sending at {rate:.1f}, peak {s['rx_peak_pps']}")
        if not near(median, rate, 0.25):
            problem(f"median rx_pps {median:.1f} while the sender sent {rate:.1f}/s (tolerance 25%)")
        if s["rx_peak_pps"] < busy_rates[-1] - 0.01:
            problem(f"rx_peak_pps {s['rx_peak_pps']} below an interval's {busy_rates[-1]}")
    else:
        problem("no interval fell wholly inside the sending window: nothing to compare the rate with")


def csv_check(path, rows):
    data = list(csv.reader(open(path, newline="", encoding="utf-8")))
    if not data:
        problem(f"{path}: empty")
        return
    header = data[0]
    if header[0] != "type":
        problem(f"{path}: header {header[:5]}...")
    if sum(1 for r in data if r and r[0] == "type") != 1:
        problem(f"{path}: the header line appears more than once")
    if len(data) - 1 != int(rows):
        problem(f"{path}: {len(data) - 1} rows, want {rows}")
    for n, r in enumerate(data[1:], 2):
        if len(r) != len(header):
            problem(f"{path}:{n}: {len(r)} cells, header has {len(header)}")
    print(f"csv: {len(header)} columns, {len(data) - 1} rows")


def reference(pcap, port):
    """Per stream: (seq, latency_ns, sent_ns) in arrival order, from tshark's reading of tcpdump's file."""
    out = subprocess.run(["tshark", "-r", pcap, "-Y", f"udp.dstport == {port}", "-T", "fields",
                          "-e", "frame.time_epoch", "-e", "udp.payload"],
                         capture_output=True, text=True, check=True).stdout
    streams = {}
    for line in out.splitlines():
        ts, payload = line.split("\t")
        b = bytes.fromhex(payload.replace(":", ""))
        seq, sent, stream = int.from_bytes(b[0:8], "big"), int.from_bytes(b[8:16], "big"), int.from_bytes(b[16:18], "big")
        streams.setdefault(stream, []).append((seq, ns_of(ts) - sent, sent))
    return streams


def analyse(frames):
    """Loss, duplicates, reordering and restarts of one stream, by the definitions of netring-stats(1)."""
    seen = set()
    highest = None
    highest_sent = 0
    dup = reord = restarts = lost_before = 0
    for seq, _, sent in frames:
        if highest is not None and seq <= highest and sent > highest_sent:
            restarts += 1
            lost_before += max(seen) - min(seen) + 1 - len(seen)
            seen, highest = set(), None
        if seq in seen:
            dup += 1
            continue
        if highest is not None and seq < highest:
            reord += 1
        seen.add(seq)
        if highest is None or seq > highest:
            highest, highest_sent = seq, sent
    lost = lost_before + ((max(seen) - min(seen) + 1 - len(seen)) if seen else 0)
    return {"rx_packets_total": len(frames), "lost": lost, "duplicated": dup, "reordered": reord, "restarts": restarts}


def streams(ndjson, pcap, port):
    recs = load(ndjson)
    ref = reference(pcap, int(port))
    summ = {r["stream"]: r for r in recs if r.get("type") == "stream_summary"}
    if sorted(summ) != sorted(ref):
        problem(f"streams {sorted(summ)} in netring's summary, {sorted(ref)} in tcpdump's capture")
    for sid, frames in sorted(ref.items()):
        r = summ.get(sid)
        if r is None:
            continue
        want = analyse(frames)
        for k, v in want.items():
            if r[k] != v:
                problem(f"stream {sid}: {k} {r[k]}, tcpdump's capture says {v}")
        lat = sorted(l for _, l, _ in frames)
        n = len(lat)
        nearest = lambda p: lat[max(1, -(-p * n // 100)) - 1]  # noqa: E731 (nearest rank)
        if r["latency_min_ns"] != lat[0] or r["latency_max_ns"] != lat[-1]:
            problem(f"stream {sid}: latency min/max {r['latency_min_ns']}/{r['latency_max_ns']}, capture says {lat[0]}/{lat[-1]}")
        for key, p in (("latency_median_ns", 50), ("latency_p99_ns", 99)):
            if not near(r[key], nearest(p), 1 / 64, 2):
                problem(f"stream {sid}: {key} {r[key]}, capture says {nearest(p)} (tolerance 1/64)")
        per_interval = sum(x["rx_packets"] for x in recs if x.get("type") == "stream" and x["stream"] == sid)
        if per_interval != r["rx_packets_total"]:
            problem(f"stream {sid}: interval lines add up to {per_interval} frames, summary says {r['rx_packets_total']}")
        print(f"stream {sid}: {want}, latency min {lat[0]} median {nearest(50)} p99 {nearest(99)} max {lat[-1]} ns: as netring says")


def expect(ndjson, stream, *pairs):
    summ = [r for r in load(ndjson) if r.get("type") == "stream_summary" and r["stream"] == int(stream)]
    if len(summ) != 1:
        problem(f"{len(summ)} summaries of stream {stream}")
        return
    for pair in pairs:
        k, v = pair.split("=")
        if summ[0].get(k) != int(v):
            problem(f"stream {stream}: {k} {summ[0].get(k)}, want {v}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"files": files, "link": link, "csv": csv_check, "streams": streams, "expect": expect,
     "ndjson": lambda p: print(f"{len(load(p))} JSON lines")}[cmd](*args)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
