// SPDX-License-Identifier: GPL-2.0-or-later
// One short line describing a frame, for people watching a terminal.
#pragma once

#include <string>

#include "netring/pcap/frame.h"

namespace netring {

// "12:00:01.123456789 60 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff vlan 10 IPv4
// 10.77.0.1.5000 > 10.77.0.2.6000 UDP": time (local), wire length, MACs,
// VLAN tags, ethertype, addresses and ports when present. Never reads past
// caplen.
std::string summarize_frame(const Frame &frame);

}  // namespace netring
