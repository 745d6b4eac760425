#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what netring needs to build, test and benchmark on Debian 12.
# Idempotent; run as root. Everything comes from Debian 12's main suite.
set -euo pipefail

build=(build-essential meson ninja-build pkg-config
       libcli11-dev libfmt-dev libspdlog-dev libpcap-dev catch2 scdoc)
# Real peers that the tests and benchmarks check netring against.
peers=(iproute2 tcpdump tshark netsniff-ng tcpreplay bpftool ethtool
       libcap2-bin util-linux procps python3 man-db
       clang      # builds the tests' own XDP programs (a user's program for --xsk-map, a dropper)
       libclang-rt-14-dev  # and the sanitizer builds: its ASan, UBSan and TSan runtimes
       systemd)  # systemd-analyze checks the unit; systemd need not be running

if [ "$(id -u)" -ne 0 ]; then
  echo "debian-deps.sh: run as root (it calls apt-get)" >&2
  exit 2
fi
missing=()
for p in "${build[@]}" "${peers[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian-deps.sh: all packages present"
  exit 0
fi
echo "debian-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tshark asks whether non-root users may capture; the default (no) is fine.
apt-get install -y -q --no-install-recommends "${missing[@]}"
