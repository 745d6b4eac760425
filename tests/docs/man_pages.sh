#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks every man page against the binary: each subcommand has a page, each
# option --help lists is documented and nothing else is, and man renders each
# built page without a warning.
#
# Usage: man_pages.sh NETRING MAN_SOURCE_DIR MAN_BUILD_DIR
# Exits 77 (meson's skip) when scdoc did not build the pages or man is missing.
set -uo pipefail

netring=${1:?usage: man_pages.sh NETRING MAN_SOURCE_DIR MAN_BUILD_DIR}
src=${2:?}
built=${3:?}

if ! command -v man >/dev/null; then
  echo "SKIP: man is not installed (Debian package man-db)"
  exit 77
fi
if ! command -v scdoc >/dev/null || [ ! -f "$built/netring.1" ]; then
  echo "SKIP: scdoc is not installed (Debian package scdoc), so no page was built"
  exit 77
fi
# man warns about locales it cannot set; C.UTF-8 is always there on Debian.
export LC_ALL=C.UTF-8

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# The option names of one --help output, short and long: the leading words of
# each line that starts with a dash, up to the first that does not (the type
# or the description). CLI11 separates them with commas or spaces.
help_options() {
  "$netring" "$@" --help | awk '
    /^[[:space:]]+-/ {
      line = $0
      sub(/^[[:space:]]+/, "", line)
      n = split(line, word, /[ ,]+/)
      for (i = 1; i <= n && word[i] ~ /^-/; i++)
        print word[i]
    }' | sort -u
}

# The options a page documents: the *-x* and *--long* words of the entry
# lines (those starting with *-) of its OPTIONS section.
page_options() {
  awk '/^# / { section = $0; next }
       section == "# OPTIONS" && /^\*-/' "$1" |
    grep -oE '\*--?[A-Za-z0-9][A-Za-z0-9-]*\*' | tr -d '*' | sort -u
}

# The subcommands that netring --help lists.
help_subcommands() {
  "$netring" --help | awk '
    /^Subcommands:/ { in_list = 1; next }
    in_list && /^[^[:space:]]/ { in_list = 0 }
    in_list && /^[[:space:]]+[a-z]/ { print $1 }' | sort -u
}

# The subcommands that netring(1) describes in its SUBCOMMANDS section.
page_subcommands() {
  awk '/^# / { section = $0; next }
       section == "# SUBCOMMANDS" && /^\*[a-z]/' "$1" |
    grep -oE '^\*[a-z0-9-]+\*' | tr -d '*' | sort -u
}

# compare WHAT EXPECTED_LIST ACTUAL_LIST: each list one word a line.
compare() {
  local what=$1 from_help=$2 from_page=$3 word
  for word in $(comm -23 <(echo "$from_help") <(echo "$from_page")); do
    fail "$what: $word is in --help but not in the page"
  done
  for word in $(comm -13 <(echo "$from_help") <(echo "$from_page")); do
    fail "$what: $word is in the page but not in --help"
  done
}

subcommands=$(help_subcommands)
if [ -z "$subcommands" ]; then
  fail "netring --help lists no subcommand (has its format changed?)"
fi

# netring(1): the global options and the list of subcommands.
checked=("$src/netring.1.scd")
compare "netring(1) options" "$(help_options)" "$(page_options "$src/netring.1.scd")"
compare "netring(1) subcommands" "$subcommands" "$(page_subcommands "$src/netring.1.scd")"

# netring-SUB(1) for every subcommand.
for sub in $subcommands; do
  page="$src/netring-$sub.1.scd"
  if [ ! -f "$page" ]; then
    fail "netring $sub has no man page: write man/netring-$sub.1.scd and list it in man/meson.build"
    continue
  fi
  checked+=("$page")
  from_help=$(help_options "$sub")
  [ -n "$from_help" ] || fail "netring $sub --help lists no option"
  compare "netring-$sub(1) options" "$from_help" "$(page_options "$page")"
done

# Every page source is for something that exists, and was built.
for page in "$src"/*.scd; do
  name=$(basename "$page" .scd)
  case " ${checked[*]} " in
    *" $page "*) ;;
    *) fail "$name: no such subcommand in netring --help (a page for a removed command?)" ;;
  esac
  if [ ! -f "$built/$name" ]; then
    fail "$name was not built: list it in man/meson.build"
    continue
  fi
  # Any output here is a groff or man warning (or an error).
  warnings=$(MANWIDTH=80 man --warnings -l "$built/$name" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    fail "man -l $name warns:"
    echo "$warnings" | sed 's/^/    /'
  fi
  echo "checked $name"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures problem(s) in the man pages"
  exit 1
fi
echo "man pages: every subcommand has a page, options match --help, man renders them without warnings"
