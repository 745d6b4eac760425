#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring xdp-tx --count N delivers exactly N frames across a veth pair that
# tshark decodes as valid UDP over IPv4/IPv6 (checksums verified) or bare
# Ethernet, in the sizes asked for, each with its stamp (sequence 0..N-1 in
# order, stream id, a send time from this run); bad input is one line, exit
# 2 (usage) or 1 (runtime), and nothing reaches the wire.
. "$(dirname "$0")/lib.sh"
nr_require tcpdump tshark python3 setpriv
nr_setup
nr_require_netring  # after nr_setup: tests its own copy of the binary
"$NETRING" xdp-tx --help >/dev/null 2>&1 || fail "netring has no xdp-tx subcommand"

# capture NAME: tcpdump on the receiving end, incoming frames only.
capture() {
    NR_CAPTURE_FILTER=0 start_capture "$1" tcpdump -i "$NR_IF_B" -Q in -B 65536 -U -w "$NR_TMP/$1.pcap"
}

# check_frames PCAP N PROTO SIZES STREAMS: every frame valid and stamped;
# the python below prints what is wrong, one line per problem.
check_frames() {
    local pcap=$1 n=$2 proto=$3 sizes=$4 streams=$5
    tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields -E separator=/t \
        -e frame.len -e eth.dst -e eth.type -e ip.checksum.status -e udp.checksum.status -e udp.srcport \
        -e udp.dstport -e udp.payload -e data.data -e _ws.expert.message >"$NR_TMP/fields.tsv" 2>/dev/null ||
        { soft_fail "tshark cannot read $pcap"; return; }
    python3 - "$NR_TMP/fields.tsv" "$n" "$proto" "$sizes" "$streams" "$NR_MAC_B" "$RUN_START" <<'PY' || soft_fail "$proto: frames are not what was asked for (see above)"
import sys, time
path, n, proto, sizes, streams, mac, start = sys.argv[1:]
n, streams, start = int(n), int(streams), int(start)
sizes = [int(s) for s in sizes.split(",")]
rows = [l.rstrip("\n").split("\t") for l in open(path)]
bad = []
if len(rows) != n:
    bad.append(f"{len(rows)} frames arrived, {n} sent")
seqs = {}
now = time.time_ns()
for i, r in enumerate(rows):
    r += [""] * (10 - len(r))
    flen, dst, etype, ipck, udpck, sport, dport, upay, data, expert = r[:10]
    if dst != mac:
        bad.append(f"frame {i}: eth.dst {dst}, want {mac}")
    if "checksum" in expert.lower() or "malformed" in expert.lower():
        bad.append(f"frame {i}: tshark says '{expert}'")
    if proto == "eth":
        if etype != "0x88b5":
            bad.append(f"frame {i}: EtherType {etype}")
        payload = data
    else:
        # tshark: 1 = good, 0 = bad, 2 = not verified.
        if proto == "udp4" and ipck != "1":
            bad.append(f"frame {i}: IPv4 header checksum status {ipck!r}")
        if udpck != "1":
            bad.append(f"frame {i}: UDP checksum status {udpck!r}")
        if dport != "9":
            bad.append(f"frame {i}: UDP destination port {dport}")
        payload = upay
    p = bytes.fromhex(payload.replace(":", ""))
    if len(p) < 18:
        bad.append(f"frame {i}: payload of {len(p)} bytes cannot hold the stamp")
        continue
    seq, sent, stream = int.from_bytes(p[0:8], "big"), int.from_bytes(p[8:16], "big"), int.from_bytes(p[16:18], "big")
    if any(p[18:]):
        bad.append(f"frame {i}: padding after the stamp is not zero")
    if not start - 5_000_000_000 <= sent <= now:
        bad.append(f"frame {i}: send time {sent} outside this run")
    if streams == 1:
        want = sizes[seq % len(sizes)]
        if int(flen) != want:
            bad.append(f"frame {i} (seq {seq}): {flen} bytes, want {want}")
    seqs.setdefault(stream, []).append(seq)
if sorted(seqs) != list(range(streams)):
    bad.append(f"streams {sorted(seqs)}, want 0..{streams - 1}")
for s, got in seqs.items():
    if got != list(range(len(got))):
        bad.append(f"stream {s}: sequence numbers are not 0..{len(got) - 1} in order")
for b in bad[:15]:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# run_case NAME N PROTO SIZES STREAMS XDP-TX-ARGS...
run_case() {
    local name=$1 n=$2 proto=$3 sizes=$4 streams=$5
    shift 5
    capture "$name"
    local pid=$CAP_PID rc=0
    RUN_START=$(date +%s%N)
    in_a "$NETRING" xdp-tx -i "${XTX_IF:-$NR_IF_A}" --json -q --count "$n" "$@" >"$NR_TMP/$name.json" 2>"$NR_TMP/$name.err" || rc=$?
    local got
    got=$(wait_frames "$NR_TMP/$name.pcap" "$n" 15) || true
    stop_capture "$pid"
    if [ "$rc" != 0 ]; then
        sed 's/^/    /' "$NR_TMP/$name.err" >&2
        soft_fail "$name: xdp-tx $* exited $rc"
        return
    fi
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["frames_sent"]==int(sys.argv[2])==r["frames_queued"] else 1)' \
        "$NR_TMP/$name.json" "$n" || soft_fail "$name: report $(cat "$NR_TMP/$name.json") does not say $n frames sent"
    # bytes_sent: the wire bytes of the frames that arrived.
    local wire sent_bytes
    wire=$(tshark_lens "$NR_TMP/$name.pcap" | awk '{ n += $1 } END { print n + 0 }')
    sent_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes_sent"])' "$NR_TMP/$name.json")
    [ "$sent_bytes" = "$wire" ] || soft_fail "$name: bytes_sent $sent_bytes, but the frames captured hold $wire bytes"
    check_frames "$NR_TMP/$name.pcap" "$n" "$proto" "$sizes" "$streams"
    nr_log "$name: $got frames arrived; report $(cat "$NR_TMP/$name.json")"
}

# rx_packets IFACE: the receiving end's frame counter (NR_NS_B).
rx_packets() { in_b cat "/sys/class/net/$1/statistics/rx_packets"; }

# paced_case NAME IF_A IF_B WANT SECONDS XDP-TX-ARGS...: a paced run with
# --duration SECONDS sends exactly WANT frames (its report and the receiver's
# counter agree), lasts SECONDS, and reports WANT / SECONDS frames per second.
paced_case() {
    local name=$1 ifa=$2 ifb=$3 want=$4 secs=$5 rc=0 before after
    shift 5
    before=$(rx_packets "$ifb")
    in_a "$NETRING" xdp-tx -i "$ifa" --json -q --duration "$secs" "$@" >"$NR_TMP/$name.json" 2>"$NR_TMP/$name.err" || rc=$?
    [ "$rc" = 0 ] || { sed 's/^/    /' "$NR_TMP/$name.err" >&2; soft_fail "$name: xdp-tx $* exited $rc"; return; }
    sleep 0.2  # the last frames through the veth's backlog
    after=$(rx_packets "$ifb")
    python3 - "$NR_TMP/$name.json" "$want" "$secs" "$((after - before))" <<'PY' || soft_fail "$name: xdp-tx $* --duration $secs (see above)"
import json, sys
r = json.load(open(sys.argv[1]))
want, secs, received = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
bad = []
if r["frames_sent"] != want or r["frames_queued"] != want:
    bad.append(f"frames_sent {r['frames_sent']}, frames_queued {r['frames_queued']}, want {want}")
if received != want:
    bad.append(f"the receiver counted {received} frames, want {want}")
if not secs <= r["elapsed_s"] < secs + 0.1:
    bad.append(f"elapsed_s {r['elapsed_s']}, want {secs} (the run lasts --duration)")
if abs(r["pps"] - want / secs) > 0.05 * want / secs:
    bad.append(f"pps {r['pps']}, want about {want / secs:.1f}")
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    nr_log "$name: report $(cat "$NR_TMP/$name.json"); receiver counted $((after - before))"
}

# Paced: the receiving veth's backlog (1000 frames) must not overflow.
run_case udp4 1000 udp4 60 1 --dst-ip "$NR_IP_B" --rate 20000
run_case udp4-range 1455 udp4 "$(seq -s, 60 1514)" 1 --dst-ip "$NR_IP_B" --size 60-1514 --flows 5 --rate 20000
run_case udp4-list 600 udp4 64,512,1514 1 --dst-ip "$NR_IP_B" --size 64,512,1514 --rate 20000
run_case udp6 600 udp6 80,81,1000,1514 1 --proto udp6 --src-ip 2001:db8::1 --dst-ip 2001:db8::2 \
    --dst-mac "$NR_MAC_B" --size 80,81,1000,1514 --flows 3 --rate 20000
run_case udp6-range 1435 udp6 "$(seq -s, 80 1514)" 1 --proto udp6 --dst-mac "$NR_MAC_B" --size 80-1514 --rate 20000
run_case eth 300 eth 60,1514 1 --proto eth --dst-mac "$NR_MAC_B" --size 60,1514 --rate 20000
run_case topspeed 500 udp4 60 1 --dst-ip "$NR_IP_B"
# --rate with --duration: R x D frames, counted from one start, over D seconds.
paced_case paced-100k "$NR_IF_A" "$NR_IF_B" 50000 0.5 --dst-mac "$NR_MAC_B" --rate 100k
paced_case paced-10 "$NR_IF_A" "$NR_IF_B" 10 1 --dst-mac "$NR_MAC_B" --rate 10

# --queues 2: a veth pair of our own with two queues, inside our namespaces.
QA="${NR_IF_A}q" QB="${NR_IF_B}q"
ip -n "$NR_NS_A" link add "$QA" numtxqueues 2 numrxqueues 2 address "$NR_MAC_A" type veth \
    peer name "$QB" netns "$NR_NS_B" numtxqueues 2 numrxqueues 2 address "$NR_MAC_B" || fail "cannot create $QA/$QB"
ip -n "$NR_NS_A" link set "$QA" up
ip -n "$NR_NS_B" link set "$QB" up
saved_b=$NR_IF_B
NR_IF_B=$QB
n=0
until in_b cat "/sys/class/net/$QB/carrier" 2>/dev/null | has -x 1; do
    n=$((n + 1)); [ $n -lt 50 ] || fail "$QB has no carrier"; sleep 0.1
done
XTX_IF=$QA run_case queues 1000 udp4 60 2 --queues 2 --dst-mac "$NR_MAC_B" --rate 20000
# Several queues share one schedule: 9 frames in a second from 2 queues (not
# 5 each), taking turns, so no two leave together.
paced_case queues-9 "$QA" "$QB" 9 1 --queues 2 --dst-mac "$NR_MAC_B" --rate 9
paced_case queues-10k "$QA" "$QB" 5000 0.5 --queues 2 --dst-mac "$NR_MAC_B" --rate 10k
capture turns
turns_pid=$CAP_PID
in_a "$NETRING" xdp-tx -i "$QA" -q --queues 2 --dst-mac "$NR_MAC_B" --rate 20 --count 8 2>"$NR_TMP/turns-tx.err" ||
    soft_fail "--queues 2 --rate 20 --count 8 exited $?: $(cat "$NR_TMP/turns-tx.err")"
wait_frames "$NR_TMP/turns.pcap" 8 5 >/dev/null || true
stop_capture "$turns_pid"
# 50 ms apart, give or take the scheduler: never two at once.
gaps=$(tcpdump_times "$NR_TMP/turns.pcap" | awk 'NR > 1 { printf "%.0f ", ($1 - prev) * 1000 } { prev = $1 }')
[ "$(wc -w <<<"$gaps")" = 7 ] && awk '{ for (i = 1; i <= NF; i++) if ($i < 35 || $i > 65) exit 1 }' <<<"$gaps" ||
    soft_fail "--queues 2 --rate 20: gaps between frames (ms) $gaps, want 8 frames 50 ms apart"
# Without CAP_IPC_LOCK every queue's UMEM counts against one RLIMIT_MEMLOCK:
# the advice gives what all of them need (2 x 8 MiB), not one queue's share.
rc=0
in_a bash -c 'ulimit -l 1024 && exec "$@"' sh setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock \
    "$NETRING" xdp-tx -i "$QA" -q --queues 2 --dst-mac "$NR_MAC_B" --count 2 2>"$NR_TMP/memlock.err" >/dev/null || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$NR_TMP/memlock.err")" = 1 ] &&
    grep -q "16 MiB of locked memory for 2 queues, 8 MiB each" "$NR_TMP/memlock.err" ||
    soft_fail "--queues 2 under ulimit -l 1024: exit $rc, stderr '$(cat "$NR_TMP/memlock.err")'"
NR_IF_B=$saved_b

# --- bad input: one line, the right exit code, nothing sent ------------------
capture bad
bad_pid=$CAP_PID
ip -n "$NR_NS_A" link add "${NR_IF_A}d" type veth peer name "${NR_IF_A}e"  # stays down
expect_refusal() {
    local want_rc=$1 want_text=$2
    shift 2
    local rc=0
    "$@" >"$NR_TMP/bad.out" 2>"$NR_TMP/bad.err" || rc=$?
    local lines
    lines=$(grep -vc '^netring: warning:' "$NR_TMP/bad.err")
    if [ "$rc" != "$want_rc" ] || [ "$lines" != 1 ] || ! grep -q -- "$want_text" "$NR_TMP/bad.err"; then
        sed 's/^/    /' "$NR_TMP/bad.err" >&2
        soft_fail "'$*': exit $rc with $lines line(s), want exit $want_rc and one line saying '$want_text'"
    else
        nr_log "bad input ok: $(head -n 1 "$NR_TMP/bad.err")"
    fi
}
expect_refusal 2 "-i IFACE is required" in_a "$NETRING" xdp-tx --count 5
expect_refusal 2 "no such interface" in_a "$NETRING" xdp-tx -i nosuch0 --count 5
expect_refusal 2 "outside 60..1514" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --size 59
expect_refusal 2 "outside 60..1514" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --size 64-1515
expect_refusal 2 "outside 80..1514" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --proto udp6 --size 79
expect_refusal 2 "invalid --size" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --size 64-
expect_refusal 2 "more than zero" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --rate 0
expect_refusal 2 "more than zero" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --bitrate 0M
expect_refusal 2 "not an IPv6 address" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --proto udp6 --dst-ip 10.0.0.1
# Bare Ethernet frames have no UDP ports: options that set them are refused, not ignored.
expect_refusal 2 "no UDP ports for --flows and --src-port" \
    in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --proto eth --flows 4 --src-port 1000
expect_refusal 2 "no UDP ports for --dst-port" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --proto eth --dst-port 7
# Counts are decimal digits: strtoull would read 0x2 as 2.
expect_refusal 2 "'0x2' is not a whole number" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --queues 0x2
expect_refusal 2 "'0x10' is not a number above 0" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --duration 0x10
expect_refusal 2 "--rate: the value is empty" in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --rate ''
expect_refusal 2 "--stream 65535 with --queues 3 runs past stream id 65535" \
    in_a "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --stream 65535 --queues 3
expect_refusal 1 "is down" in_a "$NETRING" xdp-tx -i "${NR_IF_A}d" --count 5
expect_refusal 1 "CAP_NET_RAW" in_a setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    "$NETRING" xdp-tx -i "$NR_IF_A" --count 5 --dst-mac "$NR_MAC_B"
sleep 0.5
stop_capture "$bad_pid"
n=$(tcpdump -n -r "$NR_TMP/bad.pcap" 2>/dev/null | wc -l)
[ "$n" = 0 ] || soft_fail "$n frames reached $NR_IF_B from runs that should have sent nothing"

# The report lost on a full standard output: sent, but exit 1 and one line.
rc=0
in_a "$NETRING" xdp-tx -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --count 1 --json -q >/dev/full 2>"$NR_TMP/full.err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$NR_TMP/full.err")" = 1 ] &&
    grep -qx "netring xdp-tx: write standard output: No space left on device" "$NR_TMP/full.err" ||
    soft_fail "--json >/dev/full: exit $rc, stderr '$(cat "$NR_TMP/full.err")'"

# Counts are decimal even with a leading zero (strtoull's base 0 read 010 as 8).
rc=0
in_a "$NETRING" xdp-tx -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --count 010 --json -q >"$NR_TMP/octal.json" 2>"$NR_TMP/octal.err" || rc=$?
[ "$rc" = 0 ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["frames_sent"] != 10)' "$NR_TMP/octal.json" ||
    soft_fail "--count 010: exit $rc, report $(cat "$NR_TMP/octal.json"), want 10 frames: $(cat "$NR_TMP/octal.err")"

# Warnings look like capture's and replay's: "netring: warning: " and the
# message, with no subcommand name in between.
rc=0
in_a "$NETRING" xdp-tx -i "$NR_IF_A" --dst-ip 192.0.2.9 --count 1 -q 2>"$NR_TMP/warn.err" >/dev/null || rc=$?
[ "$rc" = 0 ] && grep -qx "netring: warning: no neighbour entry for 192.0.2.9 on $NR_IF_A; sending to the broadcast address (set --dst-mac)" \
    "$NR_TMP/warn.err" || soft_fail "no neighbour: exit $rc, stderr '$(cat "$NR_TMP/warn.err")'"

# A link without carrier (a veth whose peer, in the other namespace, is
# down) drops what it is given: one warning, and the run goes on.
ip -n "$NR_NS_A" link add "${NR_IF_A}c" type veth peer name "${NR_IF_B}c" netns "$NR_NS_B"
ip -n "$NR_NS_A" link set "${NR_IF_A}c" up
rc=0
in_a "$NETRING" xdp-tx -i "${NR_IF_A}c" --dst-mac "$NR_MAC_B" --count 5 -q 2>"$NR_TMP/carrier.err" >/dev/null || rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^netring: warning: ' "$NR_TMP/carrier.err")" = 1 ] &&
    grep -qx "netring: warning: ${NR_IF_A}c has no carrier (.*): the frames sent will be dropped" "$NR_TMP/carrier.err" ||
    soft_fail "no carrier: exit $rc, stderr '$(cat "$NR_TMP/carrier.err")'"
# With carrier, no such warning.
grep -q 'no carrier' "$NR_TMP/warn.err" && soft_fail "$NR_IF_A has a carrier, yet: $(cat "$NR_TMP/warn.err")"

# The report: xdp-tx builds every frame, so it has no line of skipped ones.
in_a "$NETRING" xdp-tx -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --count 3 2>"$NR_TMP/report.err" >/dev/null || true
grep -q '^netring xdp-tx: 3 frames sent' "$NR_TMP/report.err" && ! grep -q 'skipped' "$NR_TMP/report.err" ||
    soft_fail "report: '$(cat "$NR_TMP/report.err")'"

[ "$failures" = 0 ] || fail "$failures checks failed"
pass
