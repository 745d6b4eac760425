// SPDX-License-Identifier: GPL-2.0-or-later
// PACKET_FANOUT: several TPACKET_V3 rings on one interface sharing its frames, one ring per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "netring/afpacket/rx_ring.h"
#include "netring/base/result.h"

namespace netring::afpacket {

// The kernel's PACKET_FANOUT_* modes, in its numbering.
enum class FanoutMode : std::uint8_t { hash, lb, cpu, rollover, random, qm };

// "hash", "lb", "cpu", "rollover", "random", "qm"; nullopt for anything else.
std::optional<FanoutMode> parse_fanout_mode(std::string_view name);
const char *to_string(FanoutMode mode);

// Opens `count` rings on options.interface joined in one new PACKET_FANOUT
// group of `mode` (with hash, a datagram's fragments reach one ring, the
// frames as they were on the wire). The kernel picks the group id. Ring i
// gets options.interface_id = i; hash mode sets want_hash. No frame reaches
// two rings, and none reaches a ring unfiltered: every ring drops everything
// until all of them are in the group, then gets options.filter.
Result<std::vector<std::unique_ptr<PacketRxRing>>> open_fanout(RxOptions options, unsigned count, FanoutMode mode);

}  // namespace netring::afpacket
