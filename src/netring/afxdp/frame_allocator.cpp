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

std::optional<std::uint64_t> FrameAllocator::allocate()
{
    if (free_.empty())
        return std::nullopt;
    const std::uint64_t chunk = free_.back();
    free_.pop_back();
    handed_out_[index_of(chunk)] = 1;
    return chunk;
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

AddrCheck FrameAllocator::rebase(std::uint64_t addr, std::uint32_t len, std::uint64_t &chunk) const
{
    if (addr < first_ || addr >= end_addr())
        return AddrCheck::out_of_range;
    chunk = addr & ~std::uint64_t{chunk_size_ - 1};
    if (addr - chunk + len > chunk_size_)
        return AddrCheck::overruns_chunk;
    return AddrCheck::ok;
}

AddrCheck FrameAllocator::free(std::uint64_t chunk_addr)
{
    if (chunk_addr < first_ || chunk_addr >= end_addr())
        return AddrCheck::out_of_range;
    if ((chunk_addr & (chunk_size_ - 1)) != 0)
        return AddrCheck::misaligned;
    std::uint8_t &state = handed_out_[index_of(chunk_addr)];
    if (state == 0)
        return AddrCheck::not_handed_out;
    state = 0;
    free_.push_back(chunk_addr);
    return AddrCheck::ok;
}

AddrCheck FrameAllocator::reclaim(std::uint64_t addr, std::uint32_t len)
{
    std::uint64_t chunk = 0;
    if (const AddrCheck check = rebase(addr, len, chunk); check != AddrCheck::ok)
        return check;
    return free(chunk);
}

std::string FrameAllocator::explain(std::uint64_t addr, AddrCheck check) const
{
    return fmt::format("UMEM address {:#x}: {} (socket frames {:#x}..{:#x})", addr, describe(check), first_,
                       end_addr());
}

}  // namespace netring::xdp
