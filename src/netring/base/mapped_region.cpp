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

void MappedRegion::reset()
{
    if (addr_ != nullptr)
        ::munmap(addr_, size_);
    addr_ = nullptr;
    size_ = 0;
}

}  // namespace netring
