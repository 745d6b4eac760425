#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring stats FILE...: the whole corpus against its ground truth and capinfos, pcapng ISBs against dumpcap and a block reader, truncated and unreadable files.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require capinfos tcpdump dumpcap python3
nr_setup
nr_require_netring

CORPUS=${SHARED_CAPTURES:-$NR_LIB_DIR/../../../shared/captures}
[ -f "$CORPUS/ethernet.tsv" ] || skip "no corpus at $CORPUS (set SHARED_CAPTURES)"
CHECK=(python3 "$NR_LIB_DIR/stats_check.py")

# --- the corpus: every file, one invocation, JSON lines ------------------------
rc=0
(cd "$CORPUS/ethernet" && "$NETRING" stats --format json -- *) >"$NR_TMP/corpus.ndjson" 2>"$NR_TMP/corpus.err" || rc=$?
[ "$rc" = 0 ] || soft_fail "stats over the corpus exited $rc: $(head -n 3 "$NR_TMP/corpus.err")"
[ -s "$NR_TMP/corpus.err" ] && soft_fail "stats over the corpus wrote to stderr: $(head -n 3 "$NR_TMP/corpus.err")"
# A real JSON parser, line by line, as a script would read it.
python3 -c 'import json, sys; n = sum(1 for l in sys.stdin if json.loads(l)); print(n, "JSON lines")' \
    <"$NR_TMP/corpus.ndjson" >&2 || soft_fail "the output is not JSON lines"
(cd "$CORPUS/ethernet" && capinfos -T -M -r -c -d -u -a -e -S -z -x -i -E -o -- *) >"$NR_TMP/capinfos.tsv" 2>/dev/null ||
    soft_fail "capinfos failed on the corpus"
"${CHECK[@]}" files "$NR_TMP/corpus.ndjson" "$CORPUS/ethernet.tsv" "$NR_TMP/capinfos.tsv" ||
    soft_fail "file summaries differ from the ground truth or from capinfos"

# The same files as CSV: one header, one row per file (and ISB).
rows=$(grep -c . "$NR_TMP/corpus.ndjson")
(cd "$CORPUS/ethernet" && "$NETRING" stats --format csv -- *) >"$NR_TMP/corpus.csv" 2>/dev/null ||
    soft_fail "stats --format csv over the corpus failed"
"${CHECK[@]}" csv "$NR_TMP/corpus.csv" "$rows" || soft_fail "CSV output of the corpus"

# --- ISBs: a pcapng that dumpcap wrote while a known number of frames came ------
in_a ip link set "$NR_IF_A" promisc off
start_bg --out "$NR_TMP/dumpcap.out" --err "$NR_TMP/dumpcap.err" in_b dumpcap -i "$NR_IF_B" -w "$NR_TMP/dumpcap.pcapng" -q
DUMPCAP=$BG_PID
wait_capture_ready "$DUMPCAP" "$NR_NS_B" "$NR_IF_B" || fail "dumpcap did not start on $NR_IF_B"
in_a python3 "$NR_LIB_DIR/stamp_sender.py" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --src-ip "$NR_IP_A" \
    --dst-ip "$NR_NET.99" -c 300 >/dev/null || fail "stamp_sender failed"
wait_frames "$NR_TMP/dumpcap.pcapng" 300 15 >/dev/null || soft_fail "dumpcap did not write 300 frames"
stop_capture "$DUMPCAP" INT
"$NETRING" stats --format json "$NR_TMP/dumpcap.pcapng" >"$NR_TMP/isb.ndjson" || soft_fail "stats on dumpcap's file failed"
python3 "$NR_LIB_DIR/pcapng_isb.py" "$NR_TMP/dumpcap.pcapng" >"$NR_TMP/isb.txt" || soft_fail "pcapng_isb.py cannot read dumpcap's file"
python3 - "$NR_TMP/isb.ndjson" "$NR_TMP/isb.txt" "$NR_TMP/dumpcap.err" <<'PY' || soft_fail "ISB counters differ"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
isbs = [r for r in recs if r["type"] == "isb"]
theirs = [dict(kv.split("=") for kv in l.split()[1:]) for l in open(sys.argv[2]) if l.startswith("isb ")]
ok = True
if not isbs or len(isbs) != len(theirs):
    print(f"  {len(isbs)} ISB lines from netring, {len(theirs)} ISBs in the file", file=sys.stderr)
    sys.exit(1)
for mine, ref in zip(isbs, theirs):
    for opt in ("ifrecv", "ifdrop", "filteraccept", "osdrop", "usrdeliv"):
        want = int(ref[opt]) if opt in ref else None
        if mine["isb_" + opt] != want:
            print(f"  isb_{opt}: netring {mine['isb_' + opt]}, block reader {want}", file=sys.stderr)
            ok = False
    if mine["interface_id"] != int(ref["iface"]):
        ok = False
file = [r for r in recs if r["type"] == "file"][0]
# dumpcap's own account: "Packets received/dropped on interface 'x': R/D (...)".
m = re.search(r"Packets received/dropped on interface '[^']*': (\d+)/(\d+)", open(sys.argv[3]).read())
if m and isbs[-1]["isb_usrdeliv"] is not None and isbs[-1]["isb_usrdeliv"] != file["frames"]:
    print(f"  isb_usrdeliv {isbs[-1]['isb_usrdeliv']} but {file['frames']} frames in the file", file=sys.stderr)
    ok = False
if file["frames"] != 300:
    print(f"  {file['frames']} frames in dumpcap's file, 300 sent", file=sys.stderr)
    ok = False
print(f"ISBs: {[{k: v for k, v in r.items() if k.startswith('isb_') and v is not None} for r in isbs]}; dumpcap said {m.group(0) if m else '?'}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY

# --- netring capture's own pcapng, with its ISB --------------------------------
start_capture nrcap "$NETRING" capture -i "$NR_IF_B" -w "$NR_TMP/netring.pcapng" -q
in_a python3 "$NR_LIB_DIR/stamp_sender.py" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" -c 120 >/dev/null || fail "stamp_sender failed"
wait_frames "$NR_TMP/netring.pcapng" 1 10 >/dev/null
sleep 0.3
stop_capture "$CAP_PID" INT
"$NETRING" stats --format json "$NR_TMP/netring.pcapng" >"$NR_TMP/nr.ndjson" || soft_fail "stats on netring's own pcapng failed"
python3 - "$NR_TMP/nr.ndjson" <<'PY' || soft_fail "netring's pcapng: frames and ISB disagree"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
f = [r for r in recs if r["type"] == "file"][0]
isb = [r for r in recs if r["type"] == "isb"]
assert f["frames"] == 120, f
assert len(isb) == 1 and isb[0]["isb_usrdeliv"] == 120 and isb[0]["if_name"], isb
assert isb[0]["isb_starttime_ns"] <= f["first_ts_ns"] <= f["last_ts_ns"] <= isb[0]["isb_endtime_ns"], (isb, f)
PY

# --- truncated files: what could be read, where it stopped, exit 1 -------------
for name in afs.pcap OSPFv2_Capture_FINAL.pcapng; do
    src="$CORPUS/ethernet/$name"
    size=$(stat -c %s "$src")
    cut=$((size * 2 / 3 + 3))
    head -c "$cut" "$src" >"$NR_TMP/cut-$name"
    rc=0
    "$NETRING" stats --format json "$NR_TMP/cut-$name" >"$NR_TMP/cut.ndjson" 2>"$NR_TMP/cut.err" || rc=$?
    [ "$rc" = 1 ] || soft_fail "truncated $name: exit $rc, want 1"
    grep -q "cut-$name" "$NR_TMP/cut.err" && grep -q "stopped at byte" "$NR_TMP/cut.err" ||
        soft_fail "truncated $name: stderr does not say where it stopped: $(cat "$NR_TMP/cut.err")"
    # libpcap through tcpdump reads the same whole frames before the damage.
    want=$(tcpdump -r "$NR_TMP/cut-$name" -nn 2>/dev/null | wc -l)
    python3 - "$NR_TMP/cut.ndjson" "$want" "$cut" <<'PY' || soft_fail "truncated $name: summary wrong"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
want, cut = int(sys.argv[2]), int(sys.argv[3])
assert r["complete"] is False and r["error"], r
assert r["frames"] == want, (r["frames"], want)
assert 0 < r["stopped_at_offset"] <= cut and r["file_size"] == cut, r
print(f"  cut at {cut}: {r['frames']} frames (tcpdump: {want}), stopped at {r['stopped_at_offset']}: {r['error']}", file=sys.stderr)
PY
done

# --- unreadable input: one line on stderr each, exit 1, the good file still summarised ---
printf 'not a capture\n' >"$NR_TMP/text.pcap"
rc=0
"$NETRING" stats --format json "$NR_TMP/missing.pcap" "$NR_TMP" "$NR_TMP/text.pcap" "$CORPUS/ethernet/802.1ad_QinQ.pcap" \
    >"$NR_TMP/bad.ndjson" 2>"$NR_TMP/bad.err" || rc=$?
[ "$rc" = 1 ] || soft_fail "unreadable files: exit $rc, want 1"
[ "$(grep -c . "$NR_TMP/bad.err")" = 3 ] || soft_fail "unreadable files: want 3 lines on stderr, got: $(cat "$NR_TMP/bad.err")"
grep -q 'missing.pcap.*No such file' "$NR_TMP/bad.err" || soft_fail "missing file not named: $(cat "$NR_TMP/bad.err")"
grep -q 'Is a directory' "$NR_TMP/bad.err" || soft_fail "directory not recognised: $(cat "$NR_TMP/bad.err")"
grep -q 'text.pcap.*not a capture file' "$NR_TMP/bad.err" || soft_fail "text file not recognised: $(cat "$NR_TMP/bad.err")"
grep -q '"file":".*802.1ad_QinQ.pcap".*"frames":2,' "$NR_TMP/bad.ndjson" || soft_fail "the good file was not summarised"
sed 's/^/    /' "$NR_TMP/bad.err" >&2

# --- other link types: a summary with libpcap's link type, or one clear line ----
odd_ok=0 odd_refused=0
for f in "$CORPUS"/odd/*; do
    rc=0
    "$NETRING" stats --format json "$f" >"$NR_TMP/odd.ndjson" 2>"$NR_TMP/odd.err" || rc=$?
    if [ "$rc" = 0 ]; then
        # tcpdump reads every link type libpcap knows (capinfos does not:
        # Broadcom tags), and names it as libpcap does, or gives its number.
        want=$(tcpdump -r "$f" --count 2>"$NR_TMP/odd.td" | awk '{ print $1 }')
        want_link=$(sed -n 's/^reading from file .*, link-type \(.*\), snapshot length.*/\1/p' "$NR_TMP/odd.td")
        got=$(python3 -c 'import json,sys; r = json.loads(open(sys.argv[1]).readline())
print(r["frames"], r["linktype"] if sys.argv[2].isdigit() else r["linktype_name"], sep="\t")' \
            "$NR_TMP/odd.ndjson" "$want_link")
        [ -n "$want" ] && [ -n "$want_link" ] || soft_fail "$(basename "$f"): tcpdump cannot read what netring summarised: $(head -n 1 "$NR_TMP/odd.td")"
        [ "$got" = "$want"$'\t'"$want_link" ] || soft_fail "$(basename "$f"): netring says '$got', tcpdump '$want $want_link'"
        odd_ok=$((odd_ok + 1))
    elif [ "$rc" = 1 ] && [ "$(grep -c . "$NR_TMP/odd.err")" = 1 ]; then
        odd_refused=$((odd_refused + 1))
    else
        soft_fail "$(basename "$f"): exit $rc: $(cat "$NR_TMP/odd.err")"
    fi
done
nr_log "odd link types: $odd_ok summarised, $odd_refused refused with one line"

# --- a reader that leaves early (| head) ends it with status 0, not SIGPIPE ---
"$NETRING" stats --format csv "$CORPUS"/ethernet/*.pcap 2>"$NR_TMP/head.err" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || soft_fail "stats FILES | head -n 1: exit $rc (want 0): $(head -n 2 "$NR_TMP/head.err")"

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
