#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# AF_XDP capture: the XDP program in native and generic mode, kernel timestamps, cleanup after exit and SIGKILL, clashes, --xsk-map.
#
# Frames redirected to an AF_XDP socket never reach packet sockets on the
# receiving interface (XDP runs first), so the reference is what the sender
# recorded (send_frames.py --pcap) and tcpdump on the sending end.
. "$(dirname "$0")/lib.sh"

nr_require_root
nr_require tcpdump capinfos bpftool python3
nr_setup
nr_require_netring

N=200

# The notice netring logs once the socket is in the XSKMAP: from then on
# every frame on the queue reaches it.
READY='frames received on this queue go to netring'

# start_xdp NAME ARGS...: netring capture --backend xdp on NR_IF_B; waits until ready. Sets XDP_PID.
start_xdp() {
    local name=$1
    shift
    start_bg --out "$NR_TMP/$name.out" --err "$NR_TMP/$name.err" in_b "$NETRING" capture --backend xdp -i "$NR_IF_B" "$@"
    XDP_PID=$BG_PID
    if ! wait_line "$NR_TMP/$name.err" "$READY" 10; then
        sed 's/^/    /' "$NR_TMP/$name.err" >&2
        fail "$name: netring capture --backend xdp $* did not become ready"
    fi
}

# attached_prog_id: the id of the XDP program on NR_IF_B, empty when none.
attached_prog_id() {
    ip -n "$NR_NS_B" -d link show "$NR_IF_B" | grep -o 'prog/xdp id [0-9]*' | awk '{ print $3 }' | head -n 1
}

# check_detached ID WHEN: no XDP program on the interface and program ID gone from the kernel.
check_detached() {
    local id=$1 when=$2 n=30
    # The kernel frees the program from an RCU callback after the last fd closes.
    while [ "$n" -gt 0 ] && bpftool prog show id "$id" >/dev/null 2>&1; do
        sleep 0.1
        n=$((n - 1))
    done
    ip -n "$NR_NS_B" link show "$NR_IF_B" | has 'xdp' &&
        fail "$when: $NR_IF_B still has an XDP program: $(ip -n "$NR_NS_B" -d link show "$NR_IF_B" | grep xdp)"
    bpftool prog show id "$id" >/dev/null 2>&1 && fail "$when: XDP program id $id is still loaded: $(bpftool prog show id "$id")"
    return 0
}

# capture_and_compare MODE: N frames captured in MODE are the frames sent, with kernel timestamps.
capture_and_compare() {
    local mode=$1
    local dir="$NR_TMP/$mode"
    mkdir -p "$dir"
    start_bg --out /dev/null --err "$dir/tcpdump.err" in_a tcpdump -i "$NR_IF_A" -U --time-stamp-precision=nano -w "$dir/sender.pcap"
    local td=$BG_PID
    wait_capture_ready "$td" "$NR_NS_A" "$NR_IF_A" || fail "tcpdump on $NR_IF_A did not start"
    start_xdp "$mode" --xdp-mode "$mode" -q -c "$N" -w "$dir/netring.pcapng"
    local id
    id=$(attached_prog_id)
    [ -n "$id" ] || fail "$mode: no XDP program attached to $NR_IF_B while netring runs"
    bpftool prog show id "$id" | has 'name netring_xsk' || fail "$mode: program $id is not netring's: $(bpftool prog show id "$id")"
    # The kernel's own word (IFLA_XDP_ATTACHED: 1 driver, 2 generic): the
    # text of `ip link` says "prog/xdp" in both modes.
    local attached want=1
    [ "$mode" = generic ] && want=2
    attached=$(ip -j -n "$NR_NS_B" link show dev "$NR_IF_B" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)[0].get("xdp", {}).get("mode", "none"))')
    [ "$attached" = "$want" ] || fail "$mode: attached in mode $attached, want $want (1 native, 2 generic)"

    send_mix --count "$N" --seed 11 --gap 0.0003 --pcap "$dir/sent.pcap" -q
    wait_bg "$XDP_PID" 20
    [ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/$mode.err" >&2; fail "$mode: netring exited $BG_RC"; }
    wait_frames "$dir/sender.pcap" "$N" 10 >/dev/null || fail "harness: tcpdump on the sender saw fewer than $N frames"
    stop_capture "$td" INT

    tcpdump_dump "$dir/sent.pcap" >"$dir/sent.txt"
    tcpdump_dump "$dir/netring.pcapng" >"$dir/netring.txt"
    if ! cmp -s "$dir/sent.txt" "$dir/netring.txt"; then
        diff "$dir/sent.txt" "$dir/netring.txt" | head -20 | sed 's/^/    /' >&2
        fail "$mode: the frames netring captured differ from the frames sent"
    fi

    # Kernel timestamps: non-zero, never decreasing, and each frame received
    # no earlier than the sender's tcpdump saw it leave (same skb order, same
    # realtime clock once netring converted the program's TAI stamp).
    tcpdump_times "$dir/sender.pcap" | head -n "$N" >"$dir/sender.times"
    tcpdump_times "$dir/netring.pcapng" >"$dir/netring.times"
    local bad
    bad=$(awk '$1 == 0 || (NR > 1 && $1 < prev) { n++ } { prev = $1 } END { print n + 0 }' "$dir/netring.times")
    [ "$bad" = 0 ] || fail "$mode: $bad timestamps are zero or go backwards"
    bad=$(paste "$dir/sender.times" "$dir/netring.times" | awk '$2 < $1 { n++ } END { print n + 0 }')
    [ "$bad" = 0 ] || fail "$mode: $bad frames are stamped before the sender sent them: $(paste "$dir/sender.times" "$dir/netring.times" | awk '$2 < $1' | head -3)"
    local wrong
    wrong=$(reception_mismatches "$dir/netring.pcapng")
    [ -z "$wrong" ] || fail "$mode: epb_flags reception type: $wrong"
    capinfos "$dir/netring.pcapng" | has "Description = AF_XDP queue 0.*$mode mode.*timestamps: kernel" ||
        fail "$mode: the IDB does not describe an AF_XDP capture with kernel timestamps: $(capinfos "$dir/netring.pcapng" | grep Description)"
    # One queue in the file: its IDB names it, and no frame repeats it.
    python3 "$NR_LIB_DIR/pcapng_isb.py" "$dir/netring.pcapng" | has '^epb_queue_count=0$' ||
        fail "$mode: frames of a one-queue capture carry epb_queue: $(python3 "$NR_LIB_DIR/pcapng_isb.py" "$dir/netring.pcapng" | grep epb_queue)"

    check_detached "$id" "$mode: after netring exited"
    nr_log "$mode: $N frames identical to those sent, kernel timestamps, program $id gone after exit"
}

capture_and_compare generic
# veth runs native XDP for frames its peer's stack sends; the peer needs no program of its own.
capture_and_compare native

# --- SIGKILL: the BPF link dies with the process, and the queue is free again.
start_xdp killed -q -w "$NR_TMP/killed.pcapng"
id=$(attached_prog_id)
[ -n "$id" ] || fail "no XDP program attached before SIGKILL"

# --- A second netring on the same interface meanwhile: a clear error, no damage.
in_b "$NETRING" capture --backend xdp -i "$NR_IF_B" -c 1 -w "$NR_TMP/second.pcapng" 2>"$NR_TMP/second.err" &&
    fail "a second netring on $NR_IF_B succeeded while the first was capturing"
grep -q "interface $NR_IF_B already has an XDP program (id $id, \"netring_xsk\"" "$NR_TMP/second.err" ||
    fail "second netring: unclear error: $(cat "$NR_TMP/second.err")"
grep -q -- '--xsk-map PATH' "$NR_TMP/second.err" || fail "second netring: the error does not mention --xsk-map"
[ "$(attached_prog_id)" = "$id" ] || fail "the failed second netring disturbed the first one's program"

kill -KILL "$XDP_PID"
wait_bg "$XDP_PID" 10
check_detached "$id" "after SIGKILL"
# Right away again: bind() waits out the dead socket's deferred release.
start_xdp again -q -c 5 -w "$NR_TMP/again.pcapng"
send_mix --count 5 --seed 3 --gap 0.001 -q
wait_bg "$XDP_PID" 20
[ "$BG_RC" = 0 ] || fail "netring right after a SIGKILLed one exited $BG_RC: $(cat "$NR_TMP/again.err")"
nr_log "program gone after SIGKILL; a second netring gets a clear error; the queue is usable again at once"

# --- --zero-copy on a driver without it: falls back to copy mode and says why.
start_xdp zc --zero-copy -q -c 5 -w "$NR_TMP/zc.pcapng"
send_mix --count 5 --seed 4 --gap 0.001 -q
wait_bg "$XDP_PID" 20
[ "$BG_RC" = 0 ] || fail "--zero-copy exited $BG_RC: $(cat "$NR_TMP/zc.err")"
grep -q 'zero-copy on .* failed (.*); using copy mode' "$NR_TMP/zc.err" ||
    fail "--zero-copy on veth: no fallback notice: $(cat "$NR_TMP/zc.err")"
capinfos "$NR_TMP/zc.pcapng" | has 'Description = .*copy mode' || fail "--zero-copy: the IDB does not say copy mode"

# --- Long frames. MTU 3000: netring takes 4096-byte chunks instead of 2048,
# and each frame fits one. MTU 9000: a frame spans three chunks, which the
# socket gets as several descriptors (XDP_USE_SG) from a program declared
# multi-buffer aware; netring joins them.
for long in 3000:2900 9000:8900; do
    mtu=${long%%:*} size=${long##*:}
    ip -n "$NR_NS_A" link set "$NR_IF_A" mtu "$mtu" && ip -n "$NR_NS_B" link set "$NR_IF_B" mtu "$mtu" ||
        fail "harness: cannot set MTU $mtu on the veth pair"
    for mode in generic native; do
        name="mtu$mtu-$mode"
        start_xdp "$name" --xdp-mode "$mode" -q -c 20 -w "$NR_TMP/$name.pcapng"
        send_mix --count 20 --seed 5 --gap 0.001 --size "$size" --kinds udp4 --pcap "$NR_TMP/$name-sent.pcap" -q
        wait_bg "$XDP_PID" 20
        [ "$BG_RC" = 0 ] || fail "MTU $mtu, $mode: netring exited $BG_RC: $(cat "$NR_TMP/$name.err")"
        grep -q 'allows frames longer than' "$NR_TMP/$name.err" &&
            fail "MTU $mtu, $mode: netring says frames may be too long: $(cat "$NR_TMP/$name.err")"
        cmp -s <(tcpdump_dump "$NR_TMP/$name-sent.pcap") <(tcpdump_dump "$NR_TMP/$name.pcapng") ||
            fail "MTU $mtu, $mode: the $size-byte frames captured differ from those sent"
        tcpdump_times "$NR_TMP/$name.pcapng" | awk '$1 == 0 { n++ } END { exit n > 0 }' ||
            fail "MTU $mtu, $mode: zero timestamps"
    done
    nr_log "MTU $mtu: $size-byte frames captured whole in generic and native mode"
done
# A burst that waits in the RX ring while netring is stopped: 300 pieces.
# The first read takes a batch of 256 (XdpCaptureOptions::batch), which ends
# one piece into the 86th frame: that frame is joined across two reads.
start_xdp burst --xdp-mode native -q -c 100 -w "$NR_TMP/burst.pcapng"
kill -STOP "$XDP_PID"
send_mix --count 100 --seed 6 --size 8900 --kinds udp4 --pcap "$NR_TMP/burst-sent.pcap" -q
kill -CONT "$XDP_PID"
wait_bg "$XDP_PID" 20
[ "$BG_RC" = 0 ] || fail "MTU 9000 burst: netring exited $BG_RC: $(cat "$NR_TMP/burst.err")"
cmp -s <(tcpdump_dump "$NR_TMP/burst-sent.pcap") <(tcpdump_dump "$NR_TMP/burst.pcapng") ||
    fail "MTU 9000 burst: the frames captured differ from those sent"
nr_log "MTU 9000: a burst of 100 frames in 300 pieces, captured whole"
ip -n "$NR_NS_A" link set "$NR_IF_A" mtu 1500 && ip -n "$NR_NS_B" link set "$NR_IF_B" mtu 1500 ||
    fail "harness: cannot set the MTU back to 1500"

# --- --xsk-map: the user's own program and pinned XSKMAP; netring loads nothing.
# The user's program is built here: packaging/debian-deps.sh installs clang.
command -v clang >/dev/null 2>&1 || fail "no clang: it builds the user's XDP program for --xsk-map (packaging/debian-deps.sh installs it)"
cat >"$NR_TMP/user_prog.c" <<'EOF'
#include <linux/bpf.h>
#define SEC(name) __attribute__((section(name), used))
static long (*bpf_redirect_map)(void *map, __u64 key, __u64 flags) = (void *)BPF_FUNC_redirect_map;
struct {
    int (*type)[BPF_MAP_TYPE_XSKMAP];
    int (*max_entries)[4];
    __u32 *key;
    __u32 *value;
} user_xsks SEC(".maps");
SEC("xdp") int user_prog(struct xdp_md *ctx)
{
    return bpf_redirect_map(&user_xsks, ctx->rx_queue_index, XDP_PASS);
}
char _license[] SEC("license") = "GPL";
EOF
clang -O2 -g -target bpf -I"/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)" \
    -c "$NR_TMP/user_prog.c" -o "$NR_TMP/user_prog.o" 2>"$NR_TMP/clang.err" ||
    fail "clang cannot build a BPF object here: $(head -3 "$NR_TMP/clang.err")"
BPFFS="$NR_TMP/bpffs"
mkdir -p "$BPFFS"
mount -t bpf "nr-it-$NR_TEST_NAME" "$BPFFS" || fail "cannot mount a bpffs on $BPFFS"
NR_MOUNTS+=("$BPFFS")
mkdir -p "$BPFFS/maps"
# Relative paths: libbpf turns every '.' of a pin path into '_', and NR_TMP has one.
(cd "$BPFFS" && bpftool prog load "$NR_TMP/user_prog.o" prog type xdp pinmaps maps) ||
    fail "bpftool could not load the user's program"
in_b bpftool net attach xdpgeneric pinned "$BPFFS/prog" dev "$NR_IF_B" || fail "bpftool could not attach the user's program"
user_id=$(attached_prog_id)

in_b "$NETRING" capture --backend xdp -i "$NR_IF_B" -c 1 -w "$NR_TMP/clash.pcapng" 2>"$NR_TMP/clash.err" &&
    fail "netring loaded its program over the user's"
grep -q "already has an XDP program (id $user_id, \"user_prog\", generic mode); detach it or use --xsk-map PATH" "$NR_TMP/clash.err" ||
    fail "clash with the user's program: unclear error: $(cat "$NR_TMP/clash.err")"

start_xdp xskmap --xsk-map "$BPFFS/maps/user_xsks" -q -c "$N" -w "$NR_TMP/xskmap.pcapng"
in_b "$NETRING" capture --backend xdp -i "$NR_IF_B" --xsk-map "$BPFFS/maps/user_xsks" -c 1 -w "$NR_TMP/busy.pcapng" \
    2>"$NR_TMP/busy.err" && fail "two sockets bound to queue 0 through the same XSKMAP"
grep -q 'queue 0 (the queue is busy: another AF_XDP socket is bound to it' "$NR_TMP/busy.err" ||
    fail "second socket on the queue: unclear error: $(cat "$NR_TMP/busy.err")"
send_mix --count "$N" --seed 12 --gap 0.0003 --pcap "$NR_TMP/xskmap-sent.pcap" -q
wait_bg "$XDP_PID" 20
[ "$BG_RC" = 0 ] || fail "--xsk-map capture exited $BG_RC: $(cat "$NR_TMP/xskmap.err")"
cmp -s <(tcpdump_dump "$NR_TMP/xskmap-sent.pcap") <(tcpdump_dump "$NR_TMP/xskmap.pcapng") ||
    fail "--xsk-map: the frames captured differ from the frames sent"
tcpdump_times "$NR_TMP/xskmap.pcapng" | awk '$1 == 0 { n++ } END { exit n > 0 }' || fail "--xsk-map: zero timestamps"
capinfos "$NR_TMP/xskmap.pcapng" | has 'timestamps: user space at read' ||
    fail "--xsk-map: the IDB does not say the timestamps are taken in user space"
[ "$(attached_prog_id)" = "$user_id" ] || fail "--xsk-map: the user's program is no longer attached after netring exited"
nr_log "--xsk-map: $N frames through the user's XSKMAP; their program stays; clashes reported clearly"

# --- --xsk-map with a path that is no XSKMAP: say what the path is, exit 2.
# (BPF_OBJ_GET answers EACCES for all but a pinned object: not a capability problem.)
XC=("$NETRING" capture --backend xdp -i "$NR_IF_B" -c 1 -w "$NR_TMP/bad-map.pcapng")
run_nr map-not-bpffs "${XC[@]}" --xsk-map "$NR_TMP/user_prog.o"
expect_error "--xsk-map on a file outside bpffs" 2 "$NR_TMP/user_prog.o is not on a BPF filesystem \\(bpffs\\)"
run_nr map-dir "${XC[@]}" --xsk-map "$BPFFS/maps"
expect_error "--xsk-map on a bpffs directory" 2 "$BPFFS/maps is a directory"
run_nr map-prog "${XC[@]}" --xsk-map "$BPFFS/prog"
expect_error "--xsk-map on a pinned program" 2 "$BPFFS/prog is a pinned BPF program, not a map"
run_nr map-empty "${XC[@]}" --xsk-map ''
expect_error "--xsk-map ''" 2 -- "--xsk-map: the value is empty"
run_nr map-mode "${XC[@]}" --xsk-map "$BPFFS/maps/user_xsks" --xdp-mode native
expect_error "--xsk-map with --xdp-mode" 2 -- "--xdp-mode" "leave out"
[ "$(attached_prog_id)" = "$user_id" ] || fail "a refused --xsk-map disturbed the user's program"

[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
