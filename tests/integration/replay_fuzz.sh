#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring replay of ~200 damaged copies of corpus files (flipped bytes, cut
# tails, huge length fields; corrupt_captures.py, seeded): never a crash or a
# hang (exit 0, 1 or 2 within the timeout), one clear line naming the file
# when it refuses or stops, exactly the frames libpcap (tcpdump -r) reads
# before the damage are accounted for, and the receiver gets exactly the
# frames reported sent. Runs the sanitizer build too when build-asan has one.
. "$(dirname "$0")/lib.sh"
nr_require tcpdump python3 timeout
: "${SHARED_CAPTURES:=$NR_LIB_DIR/../../../shared/captures}"
[ -d "$SHARED_CAPTURES/ethernet" ] || skip "no corpus at $SHARED_CAPTURES/ethernet"
nr_setup
nr_require_netring  # after nr_setup: tests its own copy of the binary

seed=${NR_FUZZ_SEED:-20240605}
count=${NR_FUZZ_COUNT:-200}
python3 "$NR_LIB_DIR/corrupt_captures.py" --seed "$seed" --count "$count" --out "$NR_TMP/fuzz" \
    "$SHARED_CAPTURES"/ethernet/* >"$NR_TMP/manifest" || fail "corrupt_captures.py failed"
nr_log "$count damaged files from seed $seed: $(awk '{print $2}' "$NR_TMP/manifest" | sort | uniq -c | tr -s ' \n' ' ')"

# What libpcap itself reads from each file before giving up (through
# ctypes, the same calls as tcpdump -r): the frames replay must account for
# (sent or skipped), no more, no fewer.
python3 - "$NR_TMP/fuzz" "$NR_TMP/manifest" >"$NR_TMP/libpcap-counts" <<'PY' || fail "cannot read the files with libpcap"
import ctypes, ctypes.util, os, sys
lib = ctypes.CDLL(ctypes.util.find_library("pcap") or "libpcap.so.0.8")
lib.pcap_open_offline.restype = ctypes.c_void_p
lib.pcap_open_offline.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
lib.pcap_next_ex.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
lib.pcap_close.argtypes = [ctypes.c_void_p]
errbuf = ctypes.create_string_buffer(512)
for line in open(sys.argv[2]):
    name = line.split()[0]
    p = lib.pcap_open_offline(os.path.join(sys.argv[1], name).encode(), errbuf)
    n = 0
    if p:
        hdr, data = ctypes.c_void_p(), ctypes.c_void_p()
        while lib.pcap_next_ex(p, ctypes.byref(hdr), ctypes.byref(data)) == 1:
            n += 1
        lib.pcap_close(p)
    print(name, n)
PY

binaries=("$NETRING")
asan=${NETRING_ASAN:-$NR_LIB_DIR/../../build-asan/src/cli/netring}
if [ -x "$asan" ]; then
    cp "$asan" "$NR_TMP/netring-asan" && binaries+=("$NR_TMP/netring-asan")
    nr_log "also under ASan/UBSan: $asan"
else
    nr_log "no sanitizer build at $asan (meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false)"
fi
# Any sanitizer report is a failure with an exit code of its own.
export ASAN_OPTIONS=exitcode=66:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=67:print_stacktrace=1

rx_packets() { in_b cat "/sys/class/net/$NR_IF_B/statistics/rx_packets"; }

# report_field KEY: the integer KEY of the --json report in $NR_TMP/out;
# fails when the report lacks it.
report_field() {
    [[ $(<"$NR_TMP/out") =~ \"$1\":\ ?([0-9]+) ]] || return 1
    printf '%s\n' "${BASH_REMATCH[1]}"
}

# replay_one LABEL BIN NAME LIBPCAP [ARGS...]: replays one damaged file and
# checks its exit, its one line, and the frames it accounts for; adds the
# frames it reports sent to sent_total.
replay_one() {
    local label=$1 bin=$2 name=$3 libpcap=$4 rc=0 errors nerr sent handled oversize snapped runt
    shift 4
    local f=$NR_TMP/fuzz/$name
    timeout -s KILL 20 ip netns exec "$NR_NS_A" "$bin" replay -i "$NR_IF_A" -t -q --json "$@" "$f" \
        >"$NR_TMP/out" 2>"$NR_TMP/err" || rc=$?
    by_rc[$rc]=$((${by_rc[$rc]:-0} + 1))
    if [ "$rc" = 137 ]; then
        soft_fail "$label $name: still running after 20 s (hang)"
        return
    fi
    if [ "$rc" -gt 2 ]; then
        sed 's/^/    /' "$NR_TMP/err" | head -n 30 >&2
        soft_fail "$label $name: exit $rc (crash, signal or sanitizer report)"
        return
    fi
    # Error lines: everything but the report and warnings.
    errors=$(grep -v -e '^netring: warning:' -e 'frames sent (' -e ' skipped' -e 'timing error' "$NR_TMP/err")
    nerr=$(printf '%s' "$errors" | grep -c .)
    if [ "$rc" = 0 ] && [ "$nerr" != 0 ]; then
        soft_fail "$label $name: exit 0 but says: $errors"
    elif [ "$rc" != 0 ] && { [ "$nerr" != 1 ] || ! grep -qF "$name" <<<"$errors" || ! grep -q '^netring replay: ' <<<"$errors"; }; then
        sed 's/^/    /' "$NR_TMP/err" >&2
        soft_fail "$label $name: exit $rc without one clear line naming the file"
    fi
    # Frames accounted for, against libpcap's own reading of the file.
    if [ -s "$NR_TMP/out" ]; then
        # Read in bash: a python3 start per run was a third of this test's time.
        sent=$(report_field frames_sent) && oversize=$(report_field skipped_oversize) &&
            snapped=$(report_field skipped_snapped) && runt=$(report_field skipped_runt) ||
            { soft_fail "$label $name: --json printed no report: $(cat "$NR_TMP/out")"; return; }
        handled=$((sent + oversize + snapped + runt))
    else
        sent=0 handled=0
    fi
    sent_total=$((sent_total + sent))
    # Exit 2: refused before sending anything (not a capture, not
    # Ethernet, damaged at its first frame, or no frames at all).
    if [ "$rc" = 2 ]; then
        [ "$sent" = 0 ] || soft_fail "$label $name: refused (exit 2) after sending $sent frames"
    elif [ "$handled" != "$libpcap" ]; then
        soft_fail "$label $name: exit $rc, $handled frames sent or skipped, libpcap reads $libpcap ($(tail -n 1 "$NR_TMP/err"))"
    fi
}

for bin in "${binaries[@]}"; do
    label=$(basename "$bin")
    rx_before=$(rx_packets)
    sent_total=0
    declare -A by_rc=()
    start=$SECONDS
    i=0
    while read -r name libpcap; do
        replay_one "$label" "$bin" "$name" "$libpcap"
        # Every fourth file preloaded too (-K): what was read before the
        # damage is sent all the same (it once sent nothing).
        [ $((i++ % 4)) = 0 ] && replay_one "$label -K" "$bin" "$name" "$libpcap" -K
    done <"$NR_TMP/libpcap-counts"
    sleep 0.5
    rx=$(($(rx_packets) - rx_before))
    nr_log "$label: $count files (a quarter twice, with -K) in $((SECONDS - start)) s; exit codes: $(for k in "${!by_rc[@]}"; do printf '%s:%s ' "$k" "${by_rc[$k]}"; done); $sent_total frames reported sent, $rx received"
    [ "$rx" = "$sent_total" ] || soft_fail "$label: $NR_IF_B received $rx frames, replay reported $sent_total sent"
    unset by_rc
done
[ "$failures" = 0 ] || fail "$failures checks failed"
pass
