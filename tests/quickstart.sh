#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's two commands: install what is needed, build, then either run
# the capture demo (`demo`) or the whole test suite (`test`). Run as root.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
what=${1:-}
case "$what" in
  demo|test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

packaging/debian-deps.sh
# Without debug information: a third less compiling on a fresh machine
# (5.1 against 3.5 minutes here) and the same code. Developers who want it:
# meson configure build -Ddebug=true.
[ -f build/build.ninja ] || meson setup build -Ddebug=false
ninja -C build

if [ "$what" = demo ]; then
  exec tests/demo.sh build/src/cli/netring
fi

# The sanitizer build first: the unit tests run again under AddressSanitizer
# and UBSan, and replay_fuzz sends damaged files through its netring too.
# Unoptimised (-O0), and with Clang: the sanitizers find the same faults, a
# second compiler's warnings come with them, and Clang compiles a file in
# about half GCC's time under them (xdp_tx.cpp: 16 s against 29 s here).
[ -f build-asan/build.ninja ] ||
  CXX=clang++ meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build-asan

status=0
# The Debian package (suite packaging) is minutes of compiling with nothing
# to wait for, and the integration suite mostly waits for traffic: the
# package builds beside the other suites, its compiler at the lowest
# priority, with a log of its own (packaging.json).
meson test -C build --no-rebuild --suite packaging --logbase packaging --print-errorlogs \
  >build/meson-logs/packaging.out 2>&1 &
packaging=$!
# ThreadSanitizer for the one suite whose code runs on several threads (the
# capture threads and their merge): only its target is built, and beside
# the other suites too, at the lowest priority, as it is needed only at the
# end. Without precompiled headers: a library file that lacks an #include
# the precompiled one gave it fails here, not in someone's -Db_pch=false
# build.
[ -f build-tsan/build.ninja ] || CXX=clang++ meson setup build-tsan -Db_sanitize=thread -Dbuildtype=debug -Db_pch=false
nice -n 19 ninja -C build-tsan tests/unit/unit-capture >build-tsan/ninja.out 2>&1 &
tsan_build=$!
# Every other suite in one run (unit, integration, docs): meson keeps the
# integration tests, which share the machine's network setup, to themselves.
meson test -C build --no-rebuild --no-suite packaging --print-errorlogs || status=1
meson test -C build-asan --suite unit --print-errorlogs || status=1
if wait "$tsan_build"; then
  TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --no-rebuild capture --print-errorlogs || status=1
else
  tail -n 40 build-tsan/ninja.out >&2
  echo "quickstart: the ThreadSanitizer build failed (log: build-tsan/ninja.out)" >&2
  status=1
fi
wait "$packaging" || status=1
cat build/meson-logs/packaging.out

# One closing line over every run, in the form CI reads.
python3 - build/meson-logs/testlog.json build/meson-logs/packaging.json \
  build-asan/meson-logs/testlog.json build-tsan/meson-logs/testlog.json <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        # A run that left no log (it failed to start, or died) passed nothing.
        print(f"no test log at {path}", file=sys.stderr)
        counts["failed"] += 1
        continue
    for line in lines:
        r = json.loads(line)["result"]
        key = "passed" if r == "OK" else "skipped" if r == "SKIP" else "failed"
        counts[key] += 1
print(f"netring tests: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
PY
exit $status
