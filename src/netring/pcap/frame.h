// SPDX-License-Identifier: GPL-2.0-or-later
// Frame: one captured frame as every backend hands it to every sink.
#pragma once

#include <cstdint>
#include <limits>

namespace netring {

enum class Direction : std::uint8_t { unknown = 0, inbound = 1, outbound = 2 };

// The EtherTypes that announce a VLAN tag, as tcpdump walks them: 802.1Q,
// 802.1ad, and the two pre-standard QinQ types.
constexpr bool is_vlan_tag_type(std::uint16_t type)
{
    return type == 0x8100 || type == 0x88a8 || type == 0x9100 || type == 0x9200;
}

// pcapng epb_flags reception type (bits 2-4).
enum class Reception : std::uint8_t { unspecified = 0, unicast = 1, multicast = 2, broadcast = 3, promiscuous = 4 };

struct Frame {
    static constexpr std::uint32_t no_queue = std::numeric_limits<std::uint32_t>::max();

    const std::uint8_t *data = nullptr;
    std::uint32_t caplen = 0;   // bytes at data
    std::uint32_t wirelen = 0;  // length on the wire, >= caplen
    std::uint64_t ts_ns = 0;    // CLOCK_REALTIME nanoseconds
    std::uint32_t interface = 0;  // index of the interface description in the sink
    Direction direction = Direction::unknown;
    Reception reception = Reception::unspecified;
    std::uint32_t queue = no_queue;  // epb_queue when known
    std::uint32_t hash = 0;          // epb_hash (Toeplitz/flow hash) when has_hash
    bool has_hash = false;
    std::uint64_t drops_before = 0;  // epb_dropcount: frames lost since the previous one
};

}  // namespace netring
