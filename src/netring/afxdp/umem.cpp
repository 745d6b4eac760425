// SPDX-License-Identifier: GPL-2.0-or-later
// UMEM allocation (hugepages when asked and available) and XDP_UMEM_REG.
#include "netring/afxdp/umem.h"

#include <cerrno>
#include <sys/mman.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netring/afxdp/abi.h"

namespace netring::xdp {

namespace {

constexpr std::uint64_t huge_page_size = 2ULL << 20;

Status check_config(const UmemConfig &c)
{
    if (c.chunk_size != 2048 && c.chunk_size != 4096)
        return Error::sys(EINVAL, fmt::format("UMEM chunk size {} (must be 2048 or 4096)", c.chunk_size));
    if (c.frame_count == 0)
        return Error::sys(EINVAL, "UMEM with no frames");
    // A chunk must leave room for a frame after both headrooms.
    if (c.headroom + packet_headroom + c.tx_metadata_len >= c.chunk_size)
        return Error::sys(EINVAL, fmt::format("UMEM headroom {} leaves no room for a frame in a {}-byte chunk",
                                              c.headroom, c.chunk_size));
    if (c.tx_metadata_len % 8 != 0 || c.tx_metadata_len > 256)
        return Error::sys(EINVAL, fmt::format("TX metadata length {} (a multiple of 8, at most 256)",
                                              c.tx_metadata_len));
    return {};
}

}  // namespace

Result<std::shared_ptr<Umem>> Umem::create(const UmemConfig &config)
{
    if (auto st = check_config(config); !st)
        return st.error();

    std::shared_ptr<Umem> umem(new Umem());
    umem->config_ = config;
    const std::uint64_t bytes = umem->size();
    const std::uint64_t rounded = (bytes + huge_page_size - 1) & ~(huge_page_size - 1);

    if (config.hugepages) {
        auto area = MappedRegion::map(rounded, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0,
                                      "UMEM on hugepages");
        if (area) {
            umem->area_ = std::move(area.value());
            umem->hugepages_ = true;
        } else {
            spdlog::warn("AF_XDP: no hugepages for the {} MiB UMEM ({}); using normal pages", rounded >> 20,
                         area.error().message());
        }
    }
    if (!umem->area_.valid()) {
        // Every received frame lands in a chunk of its own, so a UMEM of 4 KiB
        // pages costs a TLB miss per frame (a two-level walk under a
        // hypervisor). Transparent huge pages need only `madvise` mode; where
        // they are off the advice is ignored and the pages are 4 KiB.
        auto area = MappedRegion::map_aligned(rounded, huge_page_size, "UMEM");
        if (!area)
            return area.error();
        umem->area_ = std::move(area.value());
        ::madvise(umem->area_.data(), rounded, MADV_HUGEPAGE);
        // Fault it all in now rather than page by page under the first
        // traffic; before Linux 5.14 XDP_UMEM_REG's pinning does it instead.
        ::madvise(umem->area_.data(), rounded, MADV_POPULATE_WRITE);
    }

    UniqueFd fd(::socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, "open AF_XDP socket for the UMEM").needing(Privilege::raw_socket);
    }
    UmemReg reg;
    reg.addr = reinterpret_cast<std::uintptr_t>(umem->area_.data());
    reg.len = bytes;
    reg.chunk_size = config.chunk_size;
    reg.headroom = config.headroom;
    if (config.tx_metadata_len != 0) {
        reg.flags |= umem_tx_metadata_len;
        reg.tx_metadata_len = config.tx_metadata_len;
    }
    if (config.tx_sw_csum)
        reg.flags |= umem_tx_sw_csum;
    if (::setsockopt(fd.get(), SOL_XDP, opt_umem_reg, &reg, sizeof(reg)) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("XDP_UMEM_REG of {} frames of {} bytes", config.frame_count,
                                           config.chunk_size))
            .needing(Privilege::locked_memory);
    }
    umem->owner_fd_ = fd.get();
    umem->fd_ = std::move(fd);
    return umem;
}

std::optional<FrameRange> Umem::carve(std::uint32_t count)
{
    const std::lock_guard lock(mutex_);
    const std::uint32_t left = config_.frame_count - carved_;
    if (count == 0)
        count = left;
    if (count == 0 || count > left)
        return std::nullopt;
    FrameRange range{std::uint64_t{carved_} * config_.chunk_size, count};
    carved_ += count;
    return range;
}

UniqueFd Umem::take_fd()
{
    const std::lock_guard lock(mutex_);
    return std::move(fd_);
}

int Umem::owner_fd() const
{
    const std::lock_guard lock(mutex_);
    return owner_fd_;
}

void Umem::owner_closed()
{
    const std::lock_guard lock(mutex_);
    owner_fd_ = -1;
}

void Umem::set_multi_buffer(bool on)
{
    std::lock_guard lock(mutex_);
    multi_buffer_ = on;
}

bool Umem::multi_buffer() const
{
    std::lock_guard lock(mutex_);
    return multi_buffer_;
}

}  // namespace netring::xdp
