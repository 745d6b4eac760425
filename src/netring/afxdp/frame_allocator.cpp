// SPDX-License-Identifier: GPL-2.0-or-later
// Chunk bookkeeping for FrameAllocator.
#include "netring/afxdp/frame_allocator.h"

#include <bit>

#include <fmt/format.h>

namespace netring::xdp {

const char *describe(AddrCheck check)
{
    switch (check) {
    case AddrCheck::ok: return "ok";
    case AddrCheck::out_of_range: return "outside this socket's UMEM frames";
    case AddrCheck::misaligned: return "not the start of a chunk";
    case AddrCheck::overruns_chunk: return "frame runs past the end of its chunk";
    case AddrCheck::not_handed_out: return "chunk was not handed out (double return or foreign address)";
    }
    return "unknown";
}

FrameAllocator::FrameAllocator(std::uint64_t first_addr, std::uint32_t count, std::uint32_t chunk_size)
    : first_(first_addr), count_(count), chunk_size_(chunk_size),
      shift_(static_cast<unsigned>(std::countr_zero(chunk_size))), handed_out_(count, 0)
{
    free_.reserve(count);
    // Pushed in reverse so that allocation starts at the lowest address.
    for (std::uint32_t i = count; i-- > 0;)
        free_.push_back(first_ + (std::uint64_t{i} << shift_));
}

std::uint32_t FrameAllocator::allocate(std::span<std::uint64_t> out)
{
    std::uint32_t n = 0;
    for (auto &slot : out) {
        if (free_.empty())
            break;
        slot = free_.back();
        free_.pop_back();
        handed_out_[index_of(slot)] = 1;
        ++n;
    }
    return n;
}

std::string FrameAllocator::explain(std::uint64_t addr, AddrCheck check) const
{
    return fmt::format("UMEM address {:#x}: {} (socket frames {:#x}..{:#x})", addr, describe(check), first_,
                       end_addr());
}

}  // namespace netring::xdp
