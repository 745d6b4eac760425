#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package from a clean `git archive`, runs lintian, installs it, and captures with the installed binary as the unit would.
#
# Part of the test run (meson suite "packaging", 3 minutes on two slow cores):
# the package builds with DEB_BUILD_OPTIONS="nocheck parallel=N" unless you
# set DEB_BUILD_OPTIONS, since the unit tests have run in the main build.
# Run it as root from anywhere in the repository:
#   tests/packaging/deb.sh            # packages HEAD
#   NR_DEB_REV=v0.2 tests/packaging/deb.sh
# Needs: dpkg-dev debhelper lintian fakeroot (installed here when missing, as
# root with apt-get), the Build-Depends of packaging/debian/control
# (packaging/debian-deps.sh), and setpriv, tcpdump, capinfos for the capture.
# It removes the package (dpkg --purge) and the netring user it created on exit.
. "$(dirname "$0")/../integration/lib.sh"

REPO=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || fail "not in a git checkout"
REV=${NR_DEB_REV:-HEAD}
nr_require_root
nr_install_tools dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian fakeroot:fakeroot ||
    fail "the package build tools are missing"
: "${DEB_BUILD_OPTIONS:=nocheck parallel=$(nproc)}"
export DEB_BUILD_OPTIONS
# Line tables only in the test's package (the -dbgsym still builds): full
# debug info is a quarter of the compile time, and not what this test checks.
: "${DEB_CXXFLAGS_APPEND:=-g1}"
export DEB_CXXFLAGS_APPEND
nr_require git dpkg-buildpackage dh lintian fakeroot setpriv capinfos tshark systemd-analyze
if dpkg-query -W -f='${Status}' netring 2>/dev/null | grep -q "install ok installed"; then
    skip "a netring package is already installed; this test would remove it"
fi
USER_EXISTED=0
getent passwd netring >/dev/null && USER_EXISTED=1

INSTALLED=0
deb_cleanup() {
    local rc=$?
    if [ "$INSTALLED" = 1 ]; then
        dpkg --purge netring >/dev/null 2>&1 || nr_log "dpkg --purge netring failed"
        [ "$USER_EXISTED" = 1 ] || deluser --quiet --system netring >/dev/null 2>&1 || true
    fi
    (exit "$rc")
    nr_cleanup
}
trap deb_cleanup EXIT

nr_setup
WORK="$NR_TMP/deb"
mkdir -p "$WORK/src"
git -C "$REPO" archive --format=tar "$REV" | tar -x -C "$WORK/src" || fail "git archive $REV failed"
[ -d "$WORK/src/packaging/debian" ] || fail "$REV has no packaging/debian"
cp -r "$WORK/src/packaging/debian" "$WORK/src/debian"

nr_log "dpkg-buildpackage ${DEB_BUILD_ARGS:--us -uc -b} in $WORK/src (takes minutes)"
# At the lowest priority: tests/quickstart.sh runs this beside the
# integration suite, whose traffic must not wait for the compiler.
# shellcheck disable=SC2086 # word splitting of the arguments is meant
(cd "$WORK/src" && nice -n 19 dpkg-buildpackage ${DEB_BUILD_ARGS:--us -uc -b}) >"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log" >&2; fail "dpkg-buildpackage failed (log: $WORK/build.log)"; }
DEB=$(ls "$WORK"/netring_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || fail "no netring_*.deb was built"
nr_log "built $(basename "$DEB")"

# Lintian: no error and no warning (info and pedantic tags are printed, not fatal).
lintian --allow-root --fail-on error,warning -I "$DEB" >"$WORK/lintian.txt" 2>&1 ||
    { cat "$WORK/lintian.txt" >&2; fail "lintian reports errors or warnings"; }
[ -s "$WORK/lintian.txt" ] && sed 's/^/    lintian: /' "$WORK/lintian.txt" >&2

# The package holds what it should.
dpkg -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$WORK/contents.txt"
for f in /usr/bin/netring /usr/share/man/man1/netring.1.gz /usr/share/man/man1/netring-capture.1.gz \
    /usr/share/man/man1/netring-replay.1.gz /usr/share/man/man1/netring-info.1.gz \
    /usr/share/bash-completion/completions/netring /lib/systemd/system/netring-capture@.service \
    /usr/share/doc/netring/copyright /usr/share/doc/netring/examples/netring-capture.default; do
    grep -qx "$f" "$WORK/contents.txt" || fail "the package lacks $f"
done

dpkg -i "$DEB" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "dpkg -i failed"; }
INSTALLED=1
/usr/bin/netring --version >"$WORK/version.txt" || fail "installed netring --version failed"
head -n 1 "$WORK/version.txt" | grep -q '^netring [0-9]' || fail "unexpected --version: $(cat "$WORK/version.txt")"
grep -q '^kernel features:' "$WORK/version.txt" || fail "--version does not list the kernel features"
nr_log "installed: $(head -n 1 "$WORK/version.txt")"
getent passwd netring >/dev/null || fail "the package did not create the netring user"
[ "$(stat -c %U "/var/lib/netring")" = netring ] || fail "/var/lib/netring is not netring's"
MANWIDTH=80 man --warnings netring-info >/dev/null 2>"$WORK/man.err" && [ ! -s "$WORK/man.err" ] ||
    fail "man netring-info: $(cat "$WORK/man.err")"
systemd-analyze verify /lib/systemd/system/netring-capture@lo.service >"$WORK/verify.txt" 2>&1 ||
    { cat "$WORK/verify.txt" >&2; fail "systemd-analyze verify rejects netring-capture@.service"; }

# One capture from the installed binary, run the way the unit runs it: as
# the netring user with CAP_NET_RAW as its only (ambient) capability.
OUT="$NR_TMP/var"
install -d -o netring -g netring "$OUT"
N=25
start_capture pkg setpriv --reuid=netring --regid=netring --clear-groups --inh-caps=-all,+net_raw \
    --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw /usr/bin/netring capture -i "$NR_IF_B" -q -c "$N" \
    -w "$OUT/pkg.pcapng"
send_mix -q -c "$N" --seed 11
wait_bg "$CAP_PID" 20
[ "$BG_RC" = 0 ] || { sed 's/^/    /' "$NR_TMP/pkg.err" >&2; fail "installed netring capture exited $BG_RC"; }
tshark_clean "$OUT/pkg.pcapng" || fail "the installed binary's capture file is not clean"
got=$(pcap_count "$OUT/pkg.pcapng")
[ "$got" = "$N" ] || fail "the installed binary captured $got frames, expected $N"
[ "$(stat -c %U "$OUT/pkg.pcapng")" = netring ] || fail "the capture file is not owned by netring"
nr_log "installed binary, as user netring with ambient CAP_NET_RAW only: $got frames"
pass
