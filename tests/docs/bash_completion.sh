#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drives packaging/bash-completion/netring as bash would and checks what it
# offers against netring's own --help: subcommands, every option, choices,
# interfaces and files.
#
# Usage: bash_completion.sh NETRING COMPLETION_SCRIPT
set -uo pipefail

netring=$(realpath "${1:?usage: bash_completion.sh NETRING COMPLETION_SCRIPT}")
script=${2:?}
if ! type compgen >/dev/null 2>&1 || ! type complete >/dev/null 2>&1; then
  echo "SKIP: this bash has no programmable completion"
  exit 77
fi

# The completion calls netring by the name typed; make that name this build's.
bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
ln -s "$netring" "$bindir/netring"
PATH="$bindir:$PATH"
# shellcheck source=/dev/null
source "$script"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# offered WORD...: what the completion offers for that command line, sorted,
# one a line; the last WORD is the one being completed.
offered() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _netring 2>/dev/null
  printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}

# expect WHAT EXPECTED ACTUAL: both sorted lists, one word a line.
expect() {
  if [ "$2" != "$3" ]; then
    fail "$1: expected [$(echo $2)], got [$(echo $3)]"
  else
    echo "ok: $1"
  fi
}

help_options() {
  "$netring" "$@" --help | awk '/^[[:space:]]+-/ {
      line = $0; sub(/^[[:space:]]+/, "", line)
      if (match(line, /[^,]  +/)) line = substr(line, 1, RSTART)
      gsub(/, *-/, " -", line)
      n = split(line, w, / +/)
      for (i = 1; i <= n && w[i] ~ /^-/; i++) print w[i]
    }' | sort -u
}

subcommands=$("$netring" --help | awk '/^Subcommands:/ { s = 1; next }
  s && /^[^[:space:]]/ { s = 0 } s && /^[[:space:]]+[a-z]/ { print $1 }' | sort -u)
[ -n "$subcommands" ] || fail "netring --help lists no subcommand"

expect "subcommands" "$subcommands" "$(offered netring "")"
expect "global options" "$(help_options)" "$(offered netring -)"
for sub in $subcommands; do
  expect "$sub options" "$(help_options "$sub")" "$(offered netring "$sub" -)"
done

# The values of capture's options with a fixed set of choices.
expect "capture -F" "$(printf '%s\n' pcap pcapng)" "$(offered netring capture -F "")"
expect "capture -Q i" "$(printf '%s\n' in inout)" "$(offered netring capture -Q i)"
expect "--log-level" "$(printf '%s\n' debug error info off trace warn)" "$(offered netring --log-level "")"
expect "capture -a" "$(printf '%s\n' duration: filesize: packets:)" "$(offered netring capture -a "")"

# Interfaces: the ones this network namespace has.
expect "capture -i" "$(ls /sys/class/net | sort -u)" "$(offered netring capture -i "")"

# Files for -w.
dir=$(mktemp -d)
trap 'rm -rf "$bindir" "$dir"' EXIT
touch "$dir/one.pcapng" "$dir/other.pcap"
expect "capture -w" "$(printf '%s\n' "$dir/one.pcapng" "$dir/other.pcap")" \
  "$(offered netring capture -w "$dir/o")"

# A filter expression gets no guess.
expect "capture filter word" "" "$(offered netring capture -i lo udp)"

if [ "$failures" -ne 0 ]; then
  echo "$failures problem(s) in the bash completion"
  exit 1
fi
echo "bash completion: subcommands, options and values match netring --help"
