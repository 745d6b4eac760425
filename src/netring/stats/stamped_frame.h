// SPDX-License-Identifier: GPL-2.0-or-later
// Finding the xdp-tx stamp in a captured Ethernet frame.
#pragma once

#include <cstdint>
#include <optional>

#include "netring/traffic/stamp.h"

namespace netring::stats {

// The stamp of an IPv4 or IPv6 UDP frame to `port` (up to two VLAN tags in
// front), or nothing. Besides the port it requires an unfragmented datagram
// whose UDP and IP lengths agree, room for the whole stamp within caplen, and
// a plausible send time; IPv6 extension headers are not walked (xdp-tx sends
// none). Reads only within data[0, caplen).
std::optional<traffic::Stamp> find_stamp(const std::uint8_t *data, std::uint32_t caplen, std::uint16_t port);

}  // namespace netring::stats
