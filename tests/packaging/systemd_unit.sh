#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netring-capture@.service: systemd-analyze verify and security accept it, and its ExecStart, run as the unit runs it, keeps a valid ring of files.
#
# No systemd manager is needed (CI containers have none as PID 1): the unit
# is checked offline, then its ExecStart line is expanded by hand as systemd
# would (Environment=, then the EnvironmentFile sourced with `set -a`, %I
# and $VAR words) and run through setpriv as the unit's User= would get it:
# an unprivileged user, ambient, inheritable and bounding sets of
# CAP_NET_RAW only, no_new_privs, UMask 0027, on a veth of our own; SIGTERM
# stops it as `systemctl stop` does. The user is `nobody` (the unit's
# `netring` is created by the packages, and a test does not add users), and
# /var/lib/netring/IFACE is replaced by a directory of our own. What it
# cannot check without a manager: the sandbox itself (ProtectSystem=,
# SystemCallFilter=, ...), StateDirectory= and BindsTo=.
. "$(dirname "$0")/../integration/lib.sh"

UNIT_IN="$NR_LIB_DIR/../../packaging/systemd/netring-capture@.service.in"
ENV_EXAMPLE="$NR_LIB_DIR/../../packaging/systemd/netring-capture.default"
nr_require_root
nr_require systemd-analyze setpriv capinfos tshark tcpdump
nr_setup
NETRING_SRC=$NETRING
nr_require_netring
[ -f "$UNIT_IN" ] || fail "no unit template at $UNIT_IN"

# The unit as meson installs it, with BINDIR our copy of the binary.
mkdir -p "$NR_TMP/bin" "$NR_TMP/units"
cp "$NETRING" "$NR_TMP/bin/netring"
chmod 755 "$NR_TMP/bin/netring"
UNIT="$NR_TMP/units/netring-capture@.service"
sed "s|@BINDIR@|$NR_TMP/bin|g" "$UNIT_IN" >"$UNIT"
! grep -q '@[A-Z]*@' "$UNIT" || fail "unsubstituted @VAR@ left in the unit: $(grep '@[A-Z]*@' "$UNIT")"

# verify checks the Documentation= man pages too: the build's, when there.
man_opt=--man=no
man_dir=$(dirname "$NETRING_SRC")/../../man
if [ -f "$man_dir/netring-capture.1" ] && command -v man >/dev/null 2>&1; then
    mkdir -p "$NR_TMP/man/man1"
    cp "$man_dir"/*.1 "$NR_TMP/man/man1/"
    export MANPATH="$NR_TMP/man"
    man_opt=--man=yes
fi
systemd-analyze verify "$man_opt" "$NR_TMP/units/netring-capture@$NR_IF_B.service" >"$NR_TMP/verify.txt" 2>&1 ||
    { sed 's/^/    /' "$NR_TMP/verify.txt" >&2; fail "systemd-analyze verify rejects the unit"; }
[ -s "$NR_TMP/verify.txt" ] && { sed 's/^/    /' "$NR_TMP/verify.txt" >&2; fail "systemd-analyze verify warns about the unit"; }
nr_log "systemd-analyze verify $man_opt: no complaint"

# Exposure 0.0 (everything locked) to 10.0 (nothing); --threshold is in tenths.
systemd-analyze security --offline=yes --threshold=20 "$UNIT" >"$NR_TMP/security.txt" 2>&1 ||
    { grep '✗' "$NR_TMP/security.txt" | sed 's/^/    /' >&2; fail "systemd-analyze security: $(tail -n 1 "$NR_TMP/security.txt")"; }
nr_log "systemd-analyze security: $(tail -n 1 "$NR_TMP/security.txt" | sed 's/^→ //')"

# unit_value KEY: the values of KEY= in [Service], one per line.
unit_value() {
    sed -n '/^\[Service\]/,/^\[/p' "$UNIT" | sed -n "s/^$1=//p"
}
[ "$(unit_value AmbientCapabilities)" = CAP_NET_RAW ] || fail "AmbientCapabilities= is not CAP_NET_RAW alone"
[ "$(unit_value CapabilityBoundingSet)" = CAP_NET_RAW ] || fail "CapabilityBoundingSet= is not CAP_NET_RAW alone"
[ "$(unit_value NoNewPrivileges)" = yes ] || fail "NoNewPrivileges= is not yes"
umask_value=$(unit_value UMask)
[ -n "$umask_value" ] || fail "no UMask="
env_file=$(unit_value EnvironmentFile)
[ "$env_file" = "-/etc/default/netring-capture-%I" ] ||
    fail "EnvironmentFile= is '$env_file'; update this test and the documentation together"

# The settings an administrator would write: the example file with a small
# ring (files of 40 frames, 3 kept) and a filter.
ENV_FILE="$NR_TMP/netring-capture-$NR_IF_B"
sed -e 's/^NETRING_OPTIONS=.*/NETRING_OPTIONS="-b packets:40 -b files:3 --stats-interval 1"/' \
    -e 's/^NETRING_FILTER=.*/NETRING_FILTER="udp and not port 5000"/' "$ENV_EXAMPLE" >"$ENV_FILE"
grep -q '^NETRING_OPTIONS="-b packets:40' "$ENV_FILE" || fail "the example file sets no NETRING_OPTIONS"

# Expand ExecStart= as systemd does: Environment= first, the file over it;
# %I, %i and %% specifiers; a word that is exactly $VAR splits at spaces.
exec_start=$(unit_value ExecStart)
[ "$(printf '%s\n' "$exec_start" | wc -l)" = 1 ] || fail "not one ExecStart= line"
(
    unset NETRING_OPTIONS NETRING_FILTER
    while IFS= read -r line; do
        eval "export $line"
    done < <(unit_value Environment)
    defaults="$NETRING_OPTIONS"
    set -a
    # shellcheck disable=SC1090 # the file under test
    . "$ENV_FILE"
    set +a
    printf '%s\n' "$defaults" >"$NR_TMP/defaults.txt"
    for word in $exec_start; do
        word=${word//%%/$'\x01'}
        word=${word//%I/$NR_IF_B}
        word=${word//%i/$NR_IF_B}
        word=${word//$'\x01'/%}
        if [[ $word =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
            for w in ${!BASH_REMATCH[1]}; do printf '%s\n' "$w"; done
        else
            printf '%s\n' "$word"
        fi
    done
) >"$NR_TMP/argv.txt" || fail "cannot expand ExecStart=$exec_start"
mapfile -t argv <"$NR_TMP/argv.txt"
[ "$(cat "$NR_TMP/defaults.txt")" = "-b filesize:100000 -b files:10 --stats-interval 60" ] ||
    soft_fail "the unit's default NETRING_OPTIONS are '$(cat "$NR_TMP/defaults.txt")', not the documented ring"
[ "${argv[0]}" = "$NR_TMP/bin/netring" ] || fail "ExecStart does not start with the binary: ${argv[*]}"

# StateDirectory=netring/%I, ours: the path of -w moved under NR_TMP.
USER_NAME=nobody
USER_ID=$(id -u "$USER_NAME") || skip "no user $USER_NAME"
GROUP_ID=$(id -g "$USER_NAME")
STATE="$NR_TMP/state/$NR_IF_B"
install -d -o "$USER_ID" -g "$GROUP_ID" -m 0750 "$STATE"
found_w=0
for i in "${!argv[@]}"; do
    case ${argv[$i]} in
        /var/lib/netring/"$NR_IF_B"/*) argv[i]="$STATE/${argv[$i]#/var/lib/netring/"$NR_IF_B"/}"; found_w=1 ;;
    esac
done
[ "$found_w" = 1 ] || fail "ExecStart writes nowhere under /var/lib/netring/%I: ${argv[*]}"
nr_log "ExecStart: ${argv[*]}"

# 30 frames the filter refuses, then 220 it takes: files 1-5 fill (40 each),
# the sixth gets 20, and the ring keeps files 4, 5 and 6.
cd / || fail "cd /"
umask "$umask_value"
start_capture unit setpriv --reuid="$USER_ID" --regid="$GROUP_ID" --clear-groups --no-new-privs \
    --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw "${argv[@]}"
status=$(cat "/proc/$CAP_PID/status")
for f in CapEff CapPrm CapAmb CapBnd; do
    v=$(awk -v k="$f:" '$1 == k { print $2 }' <<<"$status")
    [ "$v" = 0000000000002000 ] || soft_fail "running netring has $f $v, want CAP_NET_RAW only (0000000000002000)"
done
grep -Eq "^NoNewPrivs:[[:space:]]+1$" <<<"$status" || soft_fail "running netring has no_new_privs unset"
grep -Eq "^Uid:[[:space:]]+${USER_ID}[[:space:]]" <<<"$status" || soft_fail "running netring is not uid $USER_ID"
send_mix -q --count 30 --seed 3 --kinds arp,tcp4,icmp4,udp4_port5000,bcast_udp4,mcast_udp4
send_mix -q --count 220 --seed 5 --kinds udp4
# File 5 renamed into place means frame 201 reached netring.
n=150
while [ -z "$(find "$STATE" -name "${NR_IF_B}_00005_*.pcapng" -print -quit)" ] && [ "$n" -gt 0 ]; do
    sleep 0.1
    n=$((n - 1))
done
[ -n "$(find "$STATE" -name "${NR_IF_B}_00005_*.pcapng" -print -quit)" ] ||
    { ls -l "$STATE" >&2; sed 's/^/    /' "$NR_TMP/unit.err" >&2; fail "file 5 of the ring was never finished"; }
sleep 1  # the ring's block timeout hands the last frames over
stop_capture "$CAP_PID" TERM
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/unit.err" >&2; fail "netring exited $BG_RC after SIGTERM"; }

left=$(find "$STATE" -name '*.part')
[ -z "$left" ] || soft_fail ".part files left after SIGTERM: $left"
mapfile -t files < <(find "$STATE" -maxdepth 1 -name "${NR_IF_B}_*.pcapng" | sort)
ls -l "$STATE" | sed 's/^/    /' >&2
[ "${#files[@]}" = 3 ] || fail "${#files[@]} files in the ring, want 3 (files:3): ${files[*]}"
want=(40 40 20)
total=0
for i in 0 1 2; do
    f=${files[$i]}
    [[ $(basename "$f") =~ ^${NR_IF_B}_0000$((i + 4))_[0-9]{14}\.pcapng$ ]] ||
        soft_fail "file $((i + 1)) of the ring is $(basename "$f"), want ${NR_IF_B}_0000$((i + 4))_TIME.pcapng"
    tshark_clean "$f" || soft_fail "$f is not a clean capture file"
    n=$(pcap_count "$f")
    [ "$n" = "${want[$i]}" ] || soft_fail "$(basename "$f") holds $n frames, want ${want[$i]}"
    udp=$(tshark -r "$f" -Y 'udp && !(udp.port == 5000)' -T fields -e frame.number 2>/dev/null | wc -l)
    [ "$udp" = "$n" ] || soft_fail "$(basename "$f"): $((n - udp)) of $n frames do not match NETRING_FILTER"
    [ "$(stat -c '%u %a' "$f")" = "$USER_ID 640" ] ||
        soft_fail "$(basename "$f") is $(stat -c '%U %a' "$f"), want $USER_NAME 640 (UMask=$umask_value)"
    total=$((total + n))
done
nr_log "ring after SIGTERM: ${#files[@]} files, $total frames ($(for f in "${files[@]}"; do printf '%s ' "$(basename "$f")"; done))"
[ "$failures" = 0 ] || fail "$failures check(s) failed"
pass
