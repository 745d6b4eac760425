// SPDX-License-Identifier: GPL-2.0-or-later
// MappedRegion: sole owner of an mmap()ed range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "netring/base/result.h"

namespace netring {

class MappedRegion {
public:
    MappedRegion() = default;
    ~MappedRegion() { reset(); }

    MappedRegion(const MappedRegion &) = delete;
    MappedRegion &operator=(const MappedRegion &) = delete;
    MappedRegion(MappedRegion &&other) noexcept
        : addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0))
    {
    }
    MappedRegion &operator=(MappedRegion &&other) noexcept
    {
        if (this != &other) {
            reset();
            addr_ = std::exchange(other.addr_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }

    // mmap(NULL, size, prot, flags, fd, offset); what describes the mapping in errors.
    static Result<MappedRegion> map(std::size_t size, int prot, int flags, int fd, long offset,
                                    const char *what);

    // Private anonymous read-write memory whose start is a multiple of
    // `alignment` (a power of two), mapped but not populated.
    static Result<MappedRegion> map_aligned(std::size_t size, std::size_t alignment, const char *what);

    [[nodiscard]] std::uint8_t *data() const { return static_cast<std::uint8_t *>(addr_); }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool valid() const { return addr_ != nullptr; }
    void reset();

private:
    void *addr_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace netring
