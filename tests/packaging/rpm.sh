#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the RPM from packaging/rpm/netring.spec and a clean `git archive` on this Debian machine, then checks its files, metadata and binary.
#
# Not part of any CI run: rpmbuild compiles the whole project and runs the
# unit tests (minutes on two cores). Run it from anywhere in the repository:
#   tests/packaging/rpm.sh            # packages HEAD
#   NR_RPM_REV=v0.2 tests/packaging/rpm.sh
#   NR_RPM_JOBS=2 NR_KEEP_TMP=1 tests/packaging/rpm.sh   # more jobs; keep the RPMs
# Needs rpmbuild, rpm2cpio and cpio (as root it installs the Debian packages
# rpm and cpio when they are missing; otherwise it skips), git, and the
# Build-Depends of packaging/debian/control: Debian has no RPM database to
# satisfy the spec's BuildRequires from, so rpmbuild runs with --nodeps, and
# rpm-on-debian.macros supplies Fedora's meson and systemd macros. The
# binary links against Debian's libraries: this checks the spec, not a
# package to install on Fedora (for that, build it in mock).
. "$(dirname "$0")/../integration/lib.sh"

REPO=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || fail "not in a git checkout"
REV=${NR_RPM_REV:-HEAD}
MACROS="$REPO/tests/packaging/rpm-on-debian.macros"

nr_install_tools rpmbuild:rpm rpm2cpio:rpm2cpio cpio:cpio || skip "rpmbuild, rpm2cpio or cpio is missing"
nr_require git tar rpmbuild rpm rpm2cpio cpio meson ninja scdoc

NR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nr-rpm.XXXXXX") || fail "mktemp failed"
WORK=$NR_TMP
mkdir -p "$WORK/src" "$WORK/top/SOURCES" "$WORK/root"
git -C "$REPO" archive --format=tar "$REV" | tar -x -C "$WORK/src" || fail "git archive $REV failed"
SPEC="$WORK/src/packaging/rpm/netring.spec"
[ -f "$SPEC" ] || fail "$REV has no packaging/rpm/netring.spec"
VERSION=$(rpmspec --load "$MACROS" -q --srpm --qf '%{version}' "$SPEC" 2>/dev/null) ||
    VERSION=$(awk '$1 == "Version:" { print $2 }' "$SPEC")
[ -n "$VERSION" ] || fail "no Version: in the spec"
git -C "$REPO" archive --format=tar.gz --prefix="netring-$VERSION/" -o "$WORK/top/SOURCES/netring-$VERSION.tar.gz" "$REV" ||
    fail "git archive of the Source0 tarball failed"
cp "$WORK/src/packaging/systemd/netring.sysusers" "$WORK/top/SOURCES/" || fail "no packaging/systemd/netring.sysusers"

# Niced and one job by default: others may be building or benchmarking.
nr_log "rpmbuild -ba netring $VERSION from $REV in $WORK (takes minutes)"
nice -n 19 rpmbuild --nodeps --load="$MACROS" --define "_topdir $WORK/top" \
    --define "_smp_build_ncpus ${NR_RPM_JOBS:-1}" -ba "$SPEC" >"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log" >&2; fail "rpmbuild failed (log: $WORK/build.log; NR_KEEP_TMP=1 keeps it)"; }
grep -E '^(warning|error):' "$WORK/build.log" | sed 's/^/    rpmbuild: /' >&2
RPM=$(find "$WORK/top/RPMS" -name "netring-$VERSION-*.rpm" ! -name '*debug*' | head -n 1)
[ -n "$RPM" ] || fail "no netring-$VERSION-*.rpm was built"
SRPM=$(find "$WORK/top/SRPMS" -name "netring-$VERSION-*.src.rpm" | head -n 1)
[ -n "$SRPM" ] || fail "no source RPM was built"
nr_log "built $(basename "$RPM") and $(basename "$SRPM")"

# The files of the Debian package (packaging/debian, deb.sh), at Fedora's paths.
rpm -qlp "$RPM" >"$WORK/contents.txt" 2>/dev/null || fail "rpm -qlp failed"
sed 's/^/    /' "$WORK/contents.txt" >&2
man1=/usr/share/man/man1
for f in /usr/bin/netring "$man1"/netring.1 "$man1"/netring-{capture,replay,stats,xdp-tx,info}.1 \
    /usr/share/bash-completion/completions/netring /usr/lib/systemd/system/netring-capture@.service \
    /usr/lib/sysusers.d/netring.conf /usr/share/doc/netring/README.md \
    /usr/share/doc/netring/examples/netring-capture.default /usr/share/licenses/netring/copyright /var/lib/netring; do
    grep -Eq "^$f(\.gz)?$" "$WORK/contents.txt" || soft_fail "the package lacks $f"
done
# Every man page the tree has is packaged (a new subcommand's page too).
for scd in "$WORK/src"/man/*.1.scd; do
    page=$(basename "$scd" .scd)
    grep -Eq "^$man1/$page(\.gz)?$" "$WORK/contents.txt" || soft_fail "the package lacks the man page $page"
done

rpm -qip "$RPM" >"$WORK/info.txt" 2>/dev/null || fail "rpm -qip failed"
sed 's/^/    /' "$WORK/info.txt" >&2
for re in "^Name +: netring$" "^Version +: $VERSION$" "^License +: GPL-2.0-or-later$" "^Summary +: Packet capture"; do
    grep -Eq "$re" "$WORK/info.txt" || soft_fail "rpm -qip: no line matching /$re/"
done
# The state directory belongs to the service user; %pre creates that user.
rpm -qlvp "$RPM" 2>/dev/null | grep -Eq '^drwxr-x--- .* netring +netring .* /var/lib/netring$' ||
    soft_fail "/var/lib/netring is not drwxr-x--- netring:netring: $(rpm -qlvp "$RPM" | grep /var/lib/netring)"
rpm -qp --scripts "$RPM" >"$WORK/scripts.txt" 2>/dev/null
grep -q 'useradd -r -g netring -d /var/lib/netring' "$WORK/scripts.txt" ||
    soft_fail "the %pre scriptlet does not create the netring user: $(cat "$WORK/scripts.txt")"

# The packaged files themselves.
(cd "$WORK/root" && rpm2cpio "$RPM" | cpio -idm --quiet) || fail "rpm2cpio | cpio failed"
"$WORK/root/usr/bin/netring" --version >"$WORK/version.txt" 2>&1 || fail "packaged netring --version failed: $(cat "$WORK/version.txt")"
head -n 1 "$WORK/version.txt" | grep -q "^netring $VERSION " || soft_fail "unexpected --version: $(head -n 1 "$WORK/version.txt")"
grep -q '^kernel features:' "$WORK/version.txt" || soft_fail "--version does not list the kernel features"
nr_log "packaged binary: $(head -n 1 "$WORK/version.txt")"
unit="$WORK/root/usr/lib/systemd/system/netring-capture@.service"
grep -q '^ExecStart=/usr/bin/netring capture ' "$unit" || soft_fail "the packaged unit does not run /usr/bin/netring: $(grep ExecStart "$unit")"
if command -v systemd-analyze >/dev/null 2>&1; then
    # The packaged unit, pointed at the extracted binary (not on this host);
    # --man=no, as its man pages are not installed here either.
    mkdir -p "$WORK/units"
    sed "s|^ExecStart=/usr/bin/netring |ExecStart=$WORK/root/usr/bin/netring |" "$unit" >"$WORK/units/netring-capture@.service"
    if ! systemd-analyze verify --man=no "$WORK/units/netring-capture@lo.service" >"$WORK/verify.txt" 2>&1 ||
        [ -s "$WORK/verify.txt" ]; then
        soft_fail "systemd-analyze verify of the packaged unit: $(cat "$WORK/verify.txt")"
    fi
else
    nr_log "no systemd-analyze: the packaged unit is not verified"
fi
[ "$failures" = 0 ] || fail "$failures check(s) failed (NR_KEEP_TMP=1 keeps $WORK)"
pass
