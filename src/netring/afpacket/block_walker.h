// SPDX-License-Identifier: GPL-2.0-or-later
// Walking the frames of one TPACKET_V3 block, with every offset checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/if_packet.h>

namespace netring::afpacket {

// Where the sockaddr_ll sits after each frame header (TPACKET3_HDRLEN - sll).
inline constexpr std::size_t sll_offset = TPACKET_ALIGN(sizeof(tpacket3_hdr));

// Calls fn(const tpacket3_hdr &, std::uint8_t *mac) for each frame of a block
// that the kernel handed over, in order. A frame whose header or bytes would
// reach past the block ends the walk: the kernel never writes one, so it
// means the block is not what we think it is, and reading on would be out of
// bounds. Returns the number of frames visited, or -1 on such a block.
template <typename Fn>
long walk_block(std::uint8_t *block, std::size_t block_size, Fn &&fn)
{
    const auto *desc = reinterpret_cast<const tpacket_block_desc *>(block);
    const std::uint32_t count = desc->hdr.bh1.num_pkts;
    std::size_t offset = desc->hdr.bh1.offset_to_first_pkt;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (offset < sizeof(tpacket_block_desc) || offset + sll_offset + sizeof(sockaddr_ll) > block_size)
            return -1;
        auto *hdr = reinterpret_cast<tpacket3_hdr *>(block + offset);
        if (hdr->tp_mac < sll_offset + sizeof(sockaddr_ll) ||
            offset + hdr->tp_mac + static_cast<std::size_t>(hdr->tp_snaplen) > block_size)
            return -1;
        fn(*hdr, block + offset + hdr->tp_mac);
        if (i + 1 < count) {
            if (hdr->tp_next_offset == 0)
                return -1;
            offset += hdr->tp_next_offset;
        }
    }
    return static_cast<long>(count);
}

inline const sockaddr_ll &frame_address(const tpacket3_hdr &hdr)
{
    return *reinterpret_cast<const sockaddr_ll *>(reinterpret_cast<const std::uint8_t *>(&hdr) + sll_offset);
}

}  // namespace netring::afpacket
