// SPDX-License-Identifier: GPL-2.0-or-later
// Putting back the VLAN tag that the kernel moved out of a received frame.
#pragma once

#include <cstdint>
#include <cstring>

namespace netring::afpacket {

inline constexpr std::uint32_t vlan_tag_len = 4;
inline constexpr std::uint16_t tpid_8021q = 0x8100;

// Inserts tpid/tci after the two MAC addresses of the frame at mac, in place:
// the 12 address bytes move 4 bytes down into headroom that the caller
// guarantees (PACKET_RESERVE). Returns the new start of the frame. A frame
// too short to hold both addresses is left alone, as libpcap does.
inline std::uint8_t *insert_vlan_tag(std::uint8_t *mac, std::uint32_t caplen, std::uint16_t tpid, std::uint16_t tci)
{
    if (caplen < 12)
        return mac;
    std::uint8_t *start = mac - vlan_tag_len;
    std::memmove(start, mac, 12);
    start[12] = static_cast<std::uint8_t>(tpid >> 8);
    start[13] = static_cast<std::uint8_t>(tpid);
    start[14] = static_cast<std::uint8_t>(tci >> 8);
    start[15] = static_cast<std::uint8_t>(tci);
    return start;
}

}  // namespace netring::afpacket
