// SPDX-License-Identifier: GPL-2.0-or-later
// mmap()/munmap() of owned regions.
#include "netring/base/mapped_region.h"

#include <cerrno>
#include <sys/mman.h>

#include <fmt/format.h>

namespace netring {

Result<MappedRegion> MappedRegion::map(std::size_t size, int prot, int flags, int fd, long offset,
                                       const char *what)
{
    void *addr = ::mmap(nullptr, size, prot, flags, fd, offset);
    if (addr == MAP_FAILED) {
        const int err = errno;
        return Error::sys(err, fmt::format("mmap {} ({} bytes)", what, size));
    }
    MappedRegion region;
    region.addr_ = addr;
    region.size_ = size;
    return region;
}

Result<MappedRegion> MappedRegion::map_aligned(std::size_t size, std::size_t alignment, const char *what)
{
    // mmap only promises page alignment: take `alignment` more and give the
    // unaligned head and the tail back.
    auto whole = map(size + alignment, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, what);
    if (!whole)
        return whole.error();
    const auto start = reinterpret_cast<std::uintptr_t>(whole->addr_);
    const std::uintptr_t aligned = (start + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    const std::size_t head = aligned - start;
    if (head != 0)
        ::munmap(whole->addr_, head);
    if (alignment - head != 0)
        ::munmap(reinterpret_cast<void *>(aligned + size), alignment - head);
    whole->addr_ = reinterpret_cast<void *>(aligned);
    whole->size_ = size;
    return whole;
}

void MappedRegion::reset()
{
    if (addr_ != nullptr)
        ::munmap(addr_, size_);
    addr_ = nullptr;
    size_ = 0;
}

}  // namespace netring
