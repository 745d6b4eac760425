// SPDX-License-Identifier: GPL-2.0-or-later
// Walking the frames of one TPACKET_V3 block, with every offset checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/if_packet.h>

namespace netring::afpacket {

// Where the sockaddr_ll sits after each frame header (TPACKET3_HDRLEN - sll).
inline constexpr std::size_t sll_offset = TPACKET_ALIGN(sizeof(tpacket3_hdr));

// Steps through the frames of a block that the kernel handed over, in order.
// A frame whose header or bytes would reach past the block ends the walk: the
// kernel never writes one, so it means the block is not what we think it is,
// and reading on would be out of bounds.
class BlockWalker {
public:
    BlockWalker() = default;
    BlockWalker(std::uint8_t *block, std::size_t block_size) : block_(block), size_(block_size)
    {
        const auto *desc = reinterpret_cast<const tpacket_block_desc *>(block);
        left_ = desc->hdr.bh1.num_pkts;
        offset_ = desc->hdr.bh1.offset_to_first_pkt;
    }

    // The next frame's header, with its first byte in mac; nullptr after the
    // last frame, or at one out of bounds (malformed() then says so).
    tpacket3_hdr *next(std::uint8_t *&mac)
    {
        if (left_ == 0)
            return nullptr;
        if (offset_ < sizeof(tpacket_block_desc) || offset_ + sll_offset + sizeof(sockaddr_ll) > size_)
            return stop();
        auto *hdr = reinterpret_cast<tpacket3_hdr *>(block_ + offset_);
        if (hdr->tp_mac < sll_offset + sizeof(sockaddr_ll) ||
            offset_ + hdr->tp_mac + static_cast<std::size_t>(hdr->tp_snaplen) > size_)
            return stop();
        mac = block_ + offset_ + hdr->tp_mac;
        ++visited_;
        if (--left_ != 0) {
            // This frame is sound; the walk ends after it.
            if (hdr->tp_next_offset == 0) {
                left_ = 0;
                malformed_ = true;
            }
            offset_ += hdr->tp_next_offset;
        }
        return hdr;
    }

    [[nodiscard]] bool malformed() const { return malformed_; }
    [[nodiscard]] std::uint32_t visited() const { return visited_; }

private:
    tpacket3_hdr *stop()
    {
        left_ = 0;
        malformed_ = true;
        return nullptr;
    }

    std::uint8_t *block_ = nullptr;
    std::size_t size_ = 0;
    std::size_t offset_ = 0;
    std::uint32_t left_ = 0;
    std::uint32_t visited_ = 0;
    bool malformed_ = false;
};

inline const sockaddr_ll &frame_address(const tpacket3_hdr &hdr)
{
    return *reinterpret_cast<const sockaddr_ll *>(reinterpret_cast<const std::uint8_t *>(&hdr) + sll_offset);
}

}  // namespace netring::afpacket
