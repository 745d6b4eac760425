#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring stats with bad input: one clear line and exit 2 for usage errors, 1 for run-time failures.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require setpriv python3
nr_setup
nr_require_netring

S=("$NETRING" stats)

# --- usage errors: exit 2 before measuring anything ---------------------------
run_nr nosuch "${S[@]}" -i nrnosuch0
expect_error "no such interface" 2 'nrnosuch0' "$NR_IF_B" '(^|[^a-z])lo([^a-z]|$)'
run_nr nosuch2 "${S[@]}" -i "lo,nrnosuch1" --format json
expect_error "no such interface in a list" 2 'nrnosuch1'
run_nr nosuchcap "${S[@]}" -i nrnosuch2 --capture
expect_error "no such interface (--capture)" 2 'nrnosuch2'

i=0
for bad in abc 0 -1 0.001 1e9 nan inf '' 1,5 0x 0x10 0x1p-2 infinity ' 1'; do
    i=$((i + 1))
    run_nr "interval$i" "${S[@]}" -i lo --interval "$bad" --count 1
    expect_error "--interval '$bad'" 2 -- '--interval' 'seconds'
done
for bad in abc 0 -2 '' 0x10; do
    i=$((i + 1))
    run_nr "duration$i" "${S[@]}" -i lo --duration "$bad"
    expect_error "--duration '$bad'" 2 -- '--duration'
done
run_nr format "${S[@]}" -i lo --format xml
expect_error "--format xml" 2 -- '--format' 'text, json or csv'
run_nr driver "${S[@]}" -i lo --driver-stats some
expect_error "--driver-stats some" 2 -- '--driver-stats'
# Driver counters go beside the interface's own: nothing to add them to in
# a capture or a file, so refused rather than silently ignored.
run_nr drivercap "${S[@]}" -i "$NR_IF_B" --capture --driver-stats all --count 1
expect_error "--driver-stats with --capture" 2 -- '--driver-stats applies to live counters only' '--capture'
run_nr driverfile "${S[@]}" --driver-stats none /dev/null
expect_error "--driver-stats with files" 2 -- '--driver-stats applies to live counters only' 'files'
run_nr backend "${S[@]}" -i "$NR_IF_B" --capture --backend dpdk
expect_error "--backend dpdk" 2 -- '--backend'
run_nr two "${S[@]}" -i "$NR_IF_B,lo" --capture
expect_error "--capture with two interfaces" 2 'one interface'
run_nr noiface "${S[@]}" --capture
expect_error "--capture without -i" 2 -- '-i'
run_nr mixed "${S[@]}" -i lo /dev/null
expect_error "files with -i" 2 'files|filter'
run_nr queue "${S[@]}" -i "$NR_IF_B" --capture --queue 1
expect_error "--queue without --backend xdp" 2 -- '--queue'
run_nr port "${S[@]}" -i "$NR_IF_B" --capture --port 0
expect_error "--port 0" 2 -- '--port'
run_nr porthex "${S[@]}" -i "$NR_IF_B" --capture --port 0x9
expect_error "--port 0x9" 2 -- '--port' 'not a whole number'
run_nr portlink "${S[@]}" -i lo --port 7
expect_error "--port without --capture" 2 -- '--capture'
run_nr nothing "${S[@]}"
expect_error "nothing to measure" 2 'nothing to measure'
run_nr filter "${S[@]}" -i "$NR_IF_B" --capture -- udp and and
expect_error "bad filter expression" 2 'syntax|filter|expression'
run_nr count "${S[@]}" -i lo --count -3
expect_error "--count -3" 2 -- '--count|count'

# --- run-time failures: exit 1 --------------------------------------------------
# No CAP_NET_RAW: the capture socket is refused; the advice names the capability.
if in_b setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all true 2>/dev/null &&
    in_b setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all test -x "$NETRING"; then
    run_nr noperm setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "${S[@]}" -i "$NR_IF_B" --capture
    expect_error "--capture without CAP_NET_RAW" 1 'CAP_NET_RAW'
    # Live counters need no privilege at all.
    run_nr unpriv setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "${S[@]}" -i "$NR_IF_B" --interval 0.1 --count 1 --format json
    [ "$RC" = 0 ] && grep -q '"type":"summary"' "$NR_TMP/unpriv.out" || soft_fail "unprivileged live counters: exit $RC: $ERR"
else
    nr_log "note: $NETRING is not executable by nobody here: the missing-capability check is skipped"
fi

run_nr missing "${S[@]}" "$NR_TMP/missing.pcapng"
expect_error "missing file" 1 'missing.pcapng' 'No such file'

# An interface that disappears under --capture ends the run: a "gone" line, exit 1.
GONE="${NR_IF_B}g"
in_b ip link add "$GONE" type veth peer name "${NR_IF_B}h" || fail "cannot add a veth pair in $NR_NS_B"
in_b ip link set "$GONE" up
in_b ip link set "${NR_IF_B}h" up
start_bg --out "$NR_TMP/capgone.out" --err "$NR_TMP/capgone.err" in_b "${S[@]}" -i "$GONE" --capture --format json
CPID=$BG_PID
wait_capture_ready "$CPID" "$NR_NS_B" "$GONE" || fail "stats --capture did not start on $GONE: $(cat "$NR_TMP/capgone.err")"
in_b ip link del "$GONE"
wait_bg "$CPID" 20
[ "$BG_RC" = 1 ] || soft_fail "--capture on a vanished interface: exit $BG_RC, want 1"
grep -q '"type":"gone"' "$NR_TMP/capgone.out" && grep -q '"type":"summary"' "$NR_TMP/capgone.out" ||
    soft_fail "--capture on a vanished interface: no gone line and summary: $(cat "$NR_TMP/capgone.out")"
[ "$(grep -c . "$NR_TMP/capgone.err")" = 1 ] || soft_fail "--capture on a vanished interface: stderr: $(cat "$NR_TMP/capgone.err")"
# The frames before it went are a last, shorter interval: the summary counts
# its capture line among its intervals, as after a signal.
python3 - "$NR_TMP/capgone.out" <<'PY' || soft_fail "--capture on a vanished interface: summary (see above)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
caps = [r for r in recs if r["type"] == "capture"]
s = [r for r in recs if r["type"] == "summary"][-1]
if not caps or s["intervals"] != len(caps) or s["rx_packets"] != caps[-1]["rx_packets_total"]:
    print(f"  {len(caps)} capture line(s), summary {s}", file=sys.stderr)
    sys.exit(1)
PY
nr_log "vanished under --capture: exit $BG_RC: $(cat "$NR_TMP/capgone.err")"

# --- output that cannot be written: one line of stats' own, exit 1 ------------
for mode in link capture; do
    args=(-i "$NR_IF_B" --interval 0.2 --count 2)
    [ "$mode" = capture ] && args+=(--capture)
    run_nr "full-$mode" sh -c 'exec "$@" >/dev/full' sh "${S[@]}" "${args[@]}"
    expect_error "stats ($mode) >/dev/full" 1 '^netring stats: write standard output: No space left on device$'
done
# An empty pcap file (the global header alone) still has a summary to write.
python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' \
    "$NR_TMP/empty.pcap"
run_nr full-files sh -c 'exec "$@" >/dev/full' sh "${S[@]}" "$NR_TMP/empty.pcap"
[ "$RC" = 1 ] && grep -q 'netring stats: write standard output: No space left on device' "$NR_TMP/full-files.err" ||
    soft_fail "stats FILE >/dev/full: exit $RC: $ERR"

# --- --capture --backend xdp where another XDP program is attached: advice stats can follow
if command -v clang >/dev/null 2>&1; then
    printf '%s\n' '#include <linux/bpf.h>' '__attribute__((section("xdp"), used)) int pass(struct xdp_md *c) { return XDP_PASS; }' \
        'char _license[] __attribute__((section("license"), used)) = "GPL";' >"$NR_TMP/pass.c"
    if clang -O2 -target bpf -I"/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)" \
        -c "$NR_TMP/pass.c" -o "$NR_TMP/pass.o" 2>"$NR_TMP/clang.err" &&
        in_b ip link set dev "$NR_IF_B" xdpgeneric obj "$NR_TMP/pass.o" sec xdp 2>"$NR_TMP/xdp.err"; then
        run_nr clash "${S[@]}" -i "$NR_IF_B" --capture --backend xdp --count 1
        expect_error "--backend xdp over another XDP program" 1 'already has an XDP program' \
            'detach it or use --backend packet'
        grep -q -- '--xsk-map' <<<"$ERR" && soft_fail "stats advises --xsk-map, which it does not have: $ERR"
        in_b ip link set dev "$NR_IF_B" xdpgeneric off
    else
        soft_fail "harness: cannot attach an XDP program: $(cat "$NR_TMP/clang.err" "$NR_TMP/xdp.err" | head -n 2)"
    fi
else
    soft_fail "no clang: it builds the XDP program of the clash test (packaging/debian-deps.sh installs it)"
fi

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
