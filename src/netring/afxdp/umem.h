// SPDX-License-Identifier: GPL-2.0-or-later
// Umem: the packet memory shared with the kernel, registered with XDP_UMEM_REG.
//
// Ownership: a Umem is held by std::shared_ptr, and every XskSocket that uses it
// holds one, so the memory outlives each socket (the kernel pins the pages, but
// our descriptors point into them). The registration lives on an AF_XDP socket:
// the first XskSocket built on a Umem takes that socket over (take_fd) and binds
// it; later sockets bind with XDP_SHARED_UMEM, naming it by owner_fd().
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "netring/base/mapped_region.h"
#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring::xdp {

struct UmemConfig {
    std::uint32_t frame_count = 4096;
    std::uint32_t chunk_size = 4096;  // 2048 or 4096 (aligned chunk mode)
    std::uint32_t headroom = 0;       // bytes the kernel leaves free before each RX frame
    bool hugepages = false;           // try MAP_HUGETLB first, fall back to normal pages
    std::uint32_t tx_metadata_len = 0;  // >0: reserve struct xsk_tx_metadata before TX frames (6.11)
    bool tx_sw_csum = false;            // XDP_UMEM_TX_SW_CSUM (6.8)
};

// A range of chunks of a Umem that one socket allocates from.
struct FrameRange {
    std::uint64_t first_addr = 0;
    std::uint32_t count = 0;
};

class Umem {
public:
    // mmap()s frame_count * chunk_size bytes and registers them on a new AF_XDP socket.
    static Result<std::shared_ptr<Umem>> create(const UmemConfig &config);

    Umem(const Umem &) = delete;
    Umem &operator=(const Umem &) = delete;
    ~Umem() = default;

    [[nodiscard]] const UmemConfig &config() const { return config_; }
    [[nodiscard]] std::uint8_t *data() const { return area_.data(); }
    [[nodiscard]] std::uint64_t size() const { return std::uint64_t{config_.frame_count} * config_.chunk_size; }
    [[nodiscard]] bool on_hugepages() const { return hugepages_; }

    // Bytes [addr, addr + len) of the area, or nullptr when they are not all inside it.
    [[nodiscard]] std::uint8_t *at(std::uint64_t addr, std::uint64_t len) const
    {
        return addr <= size() && len <= size() - addr ? area_.data() + addr : nullptr;
    }

    // The next `count` chunks no socket owns yet (0: all that remain).
    std::optional<FrameRange> carve(std::uint32_t count);

    // The registration socket, handed once to the first XskSocket (invalid afterwards).
    UniqueFd take_fd();
    // The socket holding the registration, for XDP_SHARED_UMEM; -1 once it closed.
    [[nodiscard]] int owner_fd() const;
    void owner_closed();
    // Whether the first socket bound with XDP_USE_SG: the kernel gives the
    // sockets sharing the UMEM the same (they may not ask themselves).
    void set_multi_buffer(bool on);
    [[nodiscard]] bool multi_buffer() const;

private:
    Umem() = default;

    UmemConfig config_;
    // Declared before fd_ so that the registration socket closes first and the
    // memory is unmapped last.
    MappedRegion area_;
    bool hugepages_ = false;
    mutable std::mutex mutex_;  // guards the fields below: sockets may be built from several threads
    UniqueFd fd_;
    bool multi_buffer_ = false;
    int owner_fd_ = -1;
    std::uint32_t carved_ = 0;
};

}  // namespace netring::xdp
