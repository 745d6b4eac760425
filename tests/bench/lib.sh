# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the benchmarks: logging, and the exact per-process CPU meter.
log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}
skip() {
    log "SKIP: $*"
    exit 77
}

# python3 "$RUSAGE" PIDFILE RUFILE ARGV...: see rusage.py.
RUSAGE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rusage.py
