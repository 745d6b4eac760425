// SPDX-License-Identifier: GPL-2.0-or-later
// FrameAllocator: hands out a socket's UMEM chunks and checks every address that comes back.
//
// A socket owns a contiguous range of chunks of the UMEM (all of it, or a slice
// when several sockets share one UMEM). Each chunk is either free (here) or
// handed out (in the Fill ring, RX ring, TX ring or with the caller); a chunk is
// never handed out twice. Addresses coming back from the kernel point inside a
// chunk (an RX descriptor's address includes headroom and offset), so they are
// rebased to the chunk start, and anything outside this socket's range, not
// handed out, or running past its chunk is rejected instead of being reused.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace netring::xdp {

enum class AddrCheck : std::uint8_t {
    ok,
    out_of_range,    // not in this socket's chunks (another socket's, or beyond the UMEM)
    misaligned,      // not a chunk start where one is required
    overruns_chunk,  // address + length crosses into the next chunk
    not_handed_out,  // free already: a double return, or never given to the kernel
};

const char *describe(AddrCheck check);

class FrameAllocator {
public:
    FrameAllocator() = default;
    // Chunks [first_addr, first_addr + count * chunk_size) of a UMEM, all free.
    // chunk_size is a power of two and first_addr a multiple of it (aligned mode).
    FrameAllocator(std::uint64_t first_addr, std::uint32_t count, std::uint32_t chunk_size);

    [[nodiscard]] std::uint32_t capacity() const { return count_; }
    [[nodiscard]] std::uint32_t available() const { return static_cast<std::uint32_t>(free_.size()); }
    [[nodiscard]] std::uint32_t handed_out() const { return count_ - available(); }
    [[nodiscard]] std::uint32_t chunk_size() const { return chunk_size_; }
    [[nodiscard]] std::uint64_t first_addr() const { return first_; }
    [[nodiscard]] std::uint64_t end_addr() const { return first_ + std::uint64_t{count_} * chunk_size_; }

    // A free chunk's start address, now handed out; nullopt when none is free.
    // This and the three below inline: each runs once per frame received.
    std::optional<std::uint64_t> allocate()
    {
        if (free_.empty())
            return std::nullopt;
        const std::uint64_t chunk = free_.back();
        free_.pop_back();
        handed_out_[index_of(chunk)] = 1;
        return chunk;
    }
    // Fills up to out.size() chunk addresses; returns how many.
    std::uint32_t allocate(std::span<std::uint64_t> out);

    // The start of the chunk that holds [addr, addr + len), if it is one of ours.
    [[nodiscard]] AddrCheck rebase(std::uint64_t addr, std::uint32_t len, std::uint64_t &chunk) const
    {
        if (addr < first_ || addr >= end_addr())
            return AddrCheck::out_of_range;
        chunk = addr & ~std::uint64_t{chunk_size_ - 1};
        if (addr - chunk + len > chunk_size_)
            return AddrCheck::overruns_chunk;
        return AddrCheck::ok;
    }

    // Takes back a handed-out chunk by its exact start address.
    AddrCheck free(std::uint64_t chunk_addr)
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
    // Takes back the chunk an address from the kernel points into (RX, completion).
    AddrCheck reclaim(std::uint64_t addr, std::uint32_t len = 0)
    {
        std::uint64_t chunk = 0;
        if (const AddrCheck check = rebase(addr, len, chunk); check != AddrCheck::ok)
            return check;
        return free(chunk);
    }

    // A chunk the kernel returns that goes straight back to it (RX ring to
    // Fill ring) skips the free list, whose push and pop per frame cost more
    // than the rest of the bookkeeping: unhand() checks it as reclaim() does
    // and marks it free; rehand() marks it handed out again. The caller
    // rehands a batch only after unhanding all of it, so that an address
    // the kernel returned twice in one batch is still caught.
    AddrCheck unhand(std::uint64_t addr, std::uint32_t len, std::uint64_t &chunk)
    {
        if (const AddrCheck check = rebase(addr, len, chunk); check != AddrCheck::ok)
            return check;
        std::uint8_t &state = handed_out_[index_of(chunk)];
        if (state == 0)
            return AddrCheck::not_handed_out;
        state = 0;
        return AddrCheck::ok;
    }
    // chunk: a start address that unhand() gave.
    void rehand(std::uint64_t chunk) { handed_out_[index_of(chunk)] = 1; }

    // "0x1234: not handed out (socket frames 0x0..0x800000)" for logs and errors.
    [[nodiscard]] std::string explain(std::uint64_t addr, AddrCheck check) const;

private:
    [[nodiscard]] std::uint32_t index_of(std::uint64_t chunk) const
    {
        return static_cast<std::uint32_t>((chunk - first_) >> shift_);
    }

    std::uint64_t first_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t chunk_size_ = 0;
    unsigned shift_ = 0;
    std::vector<std::uint64_t> free_;       // LIFO: a just-used chunk is likely still cached
    std::vector<std::uint8_t> handed_out_;  // per chunk: 1 while outside the allocator
};

}  // namespace netring::xdp
