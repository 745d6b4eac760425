#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring capture -C/-G/-W/-b/-z: every finished file is valid on its own and together they hold exactly one unrotated capture.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump tshark capinfos ss python3
nr_setup
nr_require_netring

N=480

# finished DIR PREFIX: the renamed (complete) files of a run, in rotation order.
finished() {
    find "$1" -maxdepth 1 -name "$2_*" ! -name '*.part' | sort
}

# rotated_run LABEL SEND_COUNT NETRING_ARGS...: netring with rotation and
# tcpdump without, on the same traffic; leaves $NR_TMP/LABEL/{tcpdump.pcap,rot_*}.
rotated_run() {
    local label=$1 count=$2
    shift 2
    local dir="$NR_TMP/$label" td nr got
    mkdir -p "$dir"
    nr_log "--- $label: netring capture $*"
    start_capture "$label.tcpdump" tcpdump -i "$NR_IF_B" -U --time-stamp-precision=nano -w "$dir/tcpdump.pcap"
    td=$CAP_PID
    start_capture "$label.netring" "$NETRING" capture -i "$NR_IF_B" -q "$@"
    nr=$CAP_PID
    send_mix --count "$count" --seed 11 --gap 0.0002 -q
    got=$(wait_frames "$dir/tcpdump.pcap" "$count" 15) || fail "harness: tcpdump saw only $got of $count frames"
    sleep 1  # netring's ring block timeout hands the last frames over
    stop_capture "$nr" INT
    [ "$BG_RC" = 0 ] || soft_fail "$label: netring exited $BG_RC after SIGINT"
    stop_capture "$td" INT
}

# same_frames LABEL WANT FILE...: the files, concatenated, hold the frames of WANT (a tcpdump dump file).
same_frames() {
    local label=$1 want=$2 f
    shift 2
    for f in "$@"; do tcpdump_dump "$f"; done >"$NR_TMP/$label.rot.txt"
    if ! cmp -s "$want" "$NR_TMP/$label.rot.txt"; then
        show_diff "$want" "$NR_TMP/$label.rot.txt" unrotated rotated
        soft_fail "$label: the rotated files together differ from the unrotated capture"
    fi
}

all_clean() {
    local label=$1 f
    shift
    for f in "$@"; do
        tshark_clean "$f" || soft_fail "$label: $f is not a clean capture file"
    done
}

no_part() {
    local left
    left=$(find "$1" -name '*.part')
    [ -z "$left" ] || soft_fail "$2: .part files left after a clean stop: $left"
}

# --- by packets, with -z and periodic statistics ---
dir="$NR_TMP/packets"
mkdir -p "$dir"
cat >"$dir/marker.sh" <<'SH'
#!/bin/sh
echo "$1" >>"$(dirname "$1")/markers"
# The signals this command starts with ignored (a shell cannot undo that).
awk '/^SigIgn:/ { print $2 }' /proc/$$/status >>"$(dirname "$1")/sigign"
SH
chmod +x "$dir/marker.sh"
rotated_run packets "$N" -w "$dir/rot.pcapng" -b packets:100 -z "$dir/marker.sh" --stats-interval 1
mapfile -t files < <(finished "$dir" rot)
[ "${#files[@]}" = 5 ] || soft_fail "packets: ${#files[@]} files for $N frames at 100 per file (want 5): ${files[*]}"
for f in "${files[@]}"; do
    [[ $(basename "$f") =~ ^rot_[0-9]{5}_[0-9]{14}\.pcapng$ ]] || soft_fail "packets: name $(basename "$f") is not PREFIX_NNNNN_YYYYMMDDHHMMSS.pcapng"
done
all_clean packets "${files[@]}"
for i in 0 1 2 3; do
    n=$(pcap_count "${files[$i]}")
    [ "$n" = 100 ] || soft_fail "packets: ${files[$i]} holds $n frames (want 100)"
done
tcpdump_dump "$dir/tcpdump.pcap" >"$dir/want.txt"
same_frames packets "$dir/want.txt" "${files[@]}"
no_part "$dir" packets
# -z: once per finished file, with its final name.
sort "$dir/markers" >"$dir/markers.sorted" 2>/dev/null
printf '%s\n' "${files[@]}" | sort >"$dir/files.sorted"
cmp -s "$dir/markers.sorted" "$dir/files.sorted" || {
    show_diff "$dir/files.sorted" "$dir/markers.sorted" files "-z runs"
    soft_fail "packets: -z did not run exactly once per finished file"
}
# netring ignores SIGPIPE; its -z commands must not inherit that.
while read -r mask; do
    (((16#$mask >> 12) & 1)) && soft_fail "-z ran with SIGPIPE ignored (SigIgn $mask)" && break
done <"$dir/sigign"
[ -s "$dir/sigign" ] || soft_fail "-z: no signal mask recorded"
# Each file closes with an ISB (the periodic ones are checked below, where a
# file lives for seconds).
for f in "${files[@]}"; do
    python3 -c 'import sys,struct
d=open(sys.argv[1],"rb").read(); o=0; last=None
while o+8<=len(d):
    t,l=struct.unpack("<II",d[o:o+8]); last=t; o+=l
sys.exit(0 if last==5 else 1)' "$f" || soft_fail "packets: $f does not end with an Interface Statistics Block"
done

# --- by size (pcap format): each file closes at the first frame that reaches 100 kB ---
dir="$NR_TMP/size"
mkdir -p "$dir"
rotated_run size "$N" -w "$dir/rot.pcap" -F pcap -C 0.1
mapfile -t files < <(finished "$dir" rot)
[ "${#files[@]}" -ge 3 ] || soft_fail "size: only ${#files[@]} files for about 350 kB at 100 kB per file"
all_clean size "${files[@]}"
python3 "$NR_LIB_DIR/rotation_sizes.py" 100000 "${files[@]}" || soft_fail "size: a file did not end at the frame that reached 100000 bytes"
tcpdump_dump "$dir/tcpdump.pcap" >"$dir/want.txt"
same_frames size "$dir/want.txt" "${files[@]}"
no_part "$dir" size

# --- a ring of 3 files: only the newest 3 remain, holding the last frames ---
dir="$NR_TMP/ring"
mkdir -p "$dir"
rotated_run ring "$N" -w "$dir/rot.pcapng" -b packets:50 -b files:3
mapfile -t files < <(finished "$dir" rot)
names=$(for f in "${files[@]}"; do basename "$f" | cut -d_ -f2; done | tr '\n' ' ')
[ "$names" = "00008 00009 00010 " ] || soft_fail "ring: files left are numbered '$names' (want 00008 00009 00010)"
all_clean ring "${files[@]}"
tcpdump_dump "$dir/tcpdump.pcap" | awk -v skip=$((N - 130)) '/^[^\t ]/ { n++ } n > skip' >"$dir/want.txt"
same_frames ring "$dir/want.txt" "${files[@]}"
no_part "$dir" ring

# --- -G 1 -W 2: two files, then a stop that leaves out no frame stamped before
# the second file's end (they once waited in a ring block while it closed) ---
dir="$NR_TMP/gw"
mkdir -p "$dir"
start_capture gw.tcpdump tcpdump -i "$NR_IF_B" -U --time-stamp-precision=nano -w "$dir/tcpdump.pcap"
td=$CAP_PID
start_capture gw.netring "$NETRING" capture -i "$NR_IF_B" -q -w "$dir/g.pcapng" -G 1 -W 2 --threads 2
nr=$CAP_PID
send_mix --count 3500 --seed 13 --gap 0.001 -q
wait_bg "$nr" 20
[ "$BG_RC" = 0 ] || soft_fail "-G 1 -W 2: exit $BG_RC (want 0)"
stop_capture "$td" INT
mapfile -t files < <(finished "$dir" g)
if [ "${#files[@]}" != 2 ]; then
    soft_fail "-G 1 -W 2: ${#files[@]} files (want 2)"
else
    all_clean gw "${files[@]}"
    # The second file ends 1 s after it began, and began no later than its
    # first frame: the first frame tcpdump has after netring's last must be
    # at least 1 s after that first frame.
    first2=$(tcpdump_times "${files[1]}" | head -n 1)
    last=$(tcpdump_times "${files[1]}" | tail -n 1)
    next=$(tcpdump_times "$dir/tcpdump.pcap" | awk -v t="$last" '$1 > t { print; exit }')
    awk -v a="$first2" -v n="$next" 'BEGIN { exit !(n != "" && n - a >= 0.999999) }' ||
        soft_fail "-G 1 -W 2: the last file ends at $last, and tcpdump has a frame at $next, within 1 s of the file's first ($first2)"
    # Between the first frame and the last, the files hold what tcpdump has.
    first=$(tcpdump_times "${files[0]}" | head -n 1)
    want=$(tcpdump_times "$dir/tcpdump.pcap" | awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b' | wc -l)
    got=$(($(pcap_count "${files[0]}") + $(pcap_count "${files[1]}")))
    [ "$got" = "$want" ] || soft_fail "-G 1 -W 2: the files hold $got frames, tcpdump $want over the same time"
fi

# --- SIGKILL between rotations: every renamed file is valid ---
dir="$NR_TMP/kill"
mkdir -p "$dir"
start_capture kill "$NETRING" capture -i "$NR_IF_B" -q -w "$dir/rot.pcapng" -b packets:60
nr=$CAP_PID
send_mix --count 150 --seed 3 --gap 0.0002 -q
# The third file is opened (so two are complete) once the 121st frame is written: within a ring block timeout.
for _ in $(seq 50); do
    [ "$(finished "$dir" rot | wc -l)" -ge 2 ] && break
    sleep 0.2
done
kill -KILL "$nr"
wait_bg "$nr" 10
mapfile -t files < <(finished "$dir" rot)
[ "${#files[@]}" -ge 2 ] || soft_fail "kill: ${#files[@]} finished files before SIGKILL (want 2)"
all_clean kill "${files[@]}"
for f in "${files[@]}"; do
    n=$(pcap_count "$f")
    [ "$n" = 60 ] || soft_fail "kill: $f holds $n frames (want 60)"
done

# --- --stats-interval: a file killed mid-capture still holds its counters ---
dir="$NR_TMP/isb"
mkdir -p "$dir"
start_capture isb "$NETRING" capture -i "$NR_IF_B" -q -w "$dir/one.pcapng" --stats-interval 1
nr=$CAP_PID
send_mix --count 50 --seed 5 --gap 0.0002 -q
sleep 2.5  # two periodic ISBs, each written with every frame before it
kill -KILL "$nr"
wait_bg "$nr" 10
tshark_clean "$dir/one.pcapng" || soft_fail "isb: the killed capture is not a clean file"
python3 "$NR_LIB_DIR/pcapng_isb.py" "$dir/one.pcapng" >"$dir/isb.txt" || soft_fail "isb: pcapng_isb.py cannot read it"
python3 - "$dir/isb.txt" <<'PY' || soft_fail "isb: periodic statistics: $(tr '\n' ' ' <"$dir/isb.txt")"
import sys
lines = open(sys.argv[1]).read().split("\n")
isbs = [dict(kv.split("=") for kv in l.split()[1:]) for l in lines if l.startswith("isb ")]
epbs = int([l for l in lines if l.startswith("epb_count=")][0].split("=")[1])
assert len(isbs) >= 2, f"{len(isbs)} ISBs after 2.5 s at one a second"
assert epbs >= 50, f"{epbs} frames, 50 were sent"
# The last ISB counts every frame in the file: it was written after them.
assert int(isbs[-1]["usrdeliv"]) == epbs, (isbs[-1], epbs)
PY

# --- a full disk: a clear error, and every file left is valid with whole frames ---
dir="$NR_TMP/full"
mkdir -p "$dir"
nr_mount_tmpfs "$dir" 160k
start_capture full "$NETRING" capture -i "$NR_IF_B" -q -w "$dir/rot.pcapng" -b packets:100
nr=$CAP_PID
send_mix --count "$N" --seed 5 --gap 0.0002 -q
wait_bg "$nr" 20
[ "$BG_RC" = 1 ] || soft_fail "full: netring exited $BG_RC on a full disk (want 1)"
grep -q 'disk full' "$NR_TMP/full.err" || soft_fail "full: no 'disk full' error: $(cat "$NR_TMP/full.err")"
mapfile -t files < <(finished "$dir" rot)
[ "${#files[@]}" -ge 2 ] || soft_fail "full: ${#files[@]} files left on a full disk (want 2 or more)"
all_clean full "${files[@]}"
no_part "$dir" full

# --- -G with a strftime name and -W 2: two files, then netring stops by itself ---
dir="$NR_TMP/time"
mkdir -p "$dir"
start_bg --out "$dir/out" --err "$dir/err" in_b "$NETRING" capture -i "$NR_IF_B" -q -G 1 -W 2 -w "$dir/t_%Y%m%d_%H%M%S.pcapng"
wait_bg "$BG_PID" 20
[ "$BG_RC" = 0 ] || soft_fail "time: -G 1 -W 2 exited $BG_RC (want 0 after two files)"
mapfile -t files < <(find "$dir" -name 't_*' ! -name '*.part' | sort)
[ "${#files[@]}" = 2 ] || soft_fail "time: ${#files[@]} files (want 2): ${files[*]}"
for f in "${files[@]}"; do
    [[ $(basename "$f") =~ ^t_[0-9]{8}_[0-9]{6}\.pcapng$ ]] || soft_fail "time: name $(basename "$f") is not the strftime pattern"
done
all_clean time "${files[@]}"
no_part "$dir" time

# --- a count that fills the last file exactly: no empty file after it, as
# with dumpcap -b packets:100 -c 200 (an idle tick once opened a third) ---
for stop in "-c 200" "-a packets:200"; do
    label="count${stop//[ :]/}"
    dir="$NR_TMP/$label"
    mkdir -p "$dir"
    # shellcheck disable=SC2086  # $stop is two words
    start_capture "$label" "$NETRING" capture -i "$NR_IF_B" -q -w "$dir/c.pcapng" -b packets:100 $stop
    nr=$CAP_PID
    send_mix --count 300 --seed 17 --gap 0.0002 -q
    wait_bg "$nr" 20
    [ "$BG_RC" = 0 ] || soft_fail "$label: exit $BG_RC (want 0)"
    mapfile -t files < <(finished "$dir" c)
    [ "${#files[@]}" = 2 ] || soft_fail "$label: ${#files[@]} files for 200 frames at 100 a file (want 2): ${files[*]}"
    all_clean "$label" "${files[@]}"
    no_part "$dir" "$label"
done

# --- -b duration:1 -a duration:3 under steady traffic: three files, as with
# dumpcap, not a fourth holding the frames of the last look at the ring ---
dir="$NR_TMP/dur"
mkdir -p "$dir"
start_bg in_a "${NR_SEND[@]}" -i "$NR_IF_A" --dst-mac "$NR_MAC_B" --net "$NR_NET" --count 0 --gap 0.0005 -q
sender=$BG_PID
start_capture dur "$NETRING" capture -i "$NR_IF_B" -q -w "$dir/d.pcapng" -b duration:1 -a duration:3
wait_bg "$CAP_PID" 20
[ "$BG_RC" = 0 ] || soft_fail "dur: exit $BG_RC (want 0)"
stop_capture "$sender" TERM
mapfile -t files < <(finished "$dir" d)
[ "${#files[@]}" = 3 ] || soft_fail "dur: ${#files[@]} files for -a duration:3 at 1 s a file (want 3): ${files[*]}"
all_clean dur "${files[@]}"
no_part "$dir" dur

# --- usage errors (exit 2) ---
usage_case() {
    local rc=0
    # Bounded: an old netring took some of these and captured until stopped.
    in_b timeout 10 "$NETRING" capture -i "$NR_IF_B" "$@" >/dev/null 2>"$NR_TMP/usage.err" </dev/null || rc=$?
    [ "$rc" = 2 ] || soft_fail "usage: capture $* exited $rc (want 2)"
}
# usage_says PATTERN ARGS...: exit 2, and one line on stderr matching PATTERN.
usage_says() {
    local want=$1
    shift
    usage_case "$@"
    [ "$(wc -l <"$NR_TMP/usage.err")" = 1 ] && grep -q -- "$want" "$NR_TMP/usage.err" ||
        soft_fail "usage: capture $* said '$(cat "$NR_TMP/usage.err")' (want one line with '$want')"
}
usage_says 'needs -w FILE' -C 1
usage_says 'not standard output: give -w FILE' -C 1 -w -
# A -z command that cannot run is refused at the start, not at the first
# finished file (where it was a warning per file, after the capture began).
usage_says 'no such command in PATH' -C 1 -z nr-no-such-command -w "$NR_TMP/x.pcapng"
usage_says 'not an executable file' -C 1 -z "$NR_TMP" -w "$NR_TMP/x.pcapng"
usage_says 'not an executable file' -C 1 -z "$NR_TMP/none/cmd" -w "$NR_TMP/x.pcapng"
[ ! -e "$NR_TMP/x.pcapng" ] || soft_fail "usage: a refused -z left $NR_TMP/x.pcapng behind"
usage_case -W 3 -w "$NR_TMP/x.pcapng"
usage_case -z /bin/true -w "$NR_TMP/x.pcapng"
usage_case -b size:3 -w "$NR_TMP/x.pcapng"
usage_case --stats-interval 1 -F pcap -w "$NR_TMP/x.pcap"
# Limits whose nanoseconds or bytes overflow 64 bits (interval:2^55 once
# divided by zero, -G 17e9 wrapped its deadline to 1979): refused.
usage_case -b interval:36028797018963968 -w "$NR_TMP/x.pcapng"
usage_case -b filesize:18446744073709552 -w "$NR_TMP/x.pcapng"
usage_case -G 17000000000 -w "$NR_TMP/x.pcapng"
usage_case -C 1e14 -w "$NR_TMP/x.pcapng"
usage_case --stats-interval 1e11 -w "$NR_TMP/x.pcapng"
usage_case -a duration:1e300 -w "$NR_TMP/x.pcapng"
usage_case -a packets:1e30 -w "$NR_TMP/x.pcapng"

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
