// SPDX-License-Identifier: GPL-2.0-or-later
// PacketRxRing: an AF_PACKET socket with a TPACKET_V3 receive ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "netring/base/link_stats.h"
#include "netring/base/mapped_region.h"
#include "netring/base/unique_fd.h"
#include "netring/capture/filter.h"
#include "netring/capture/source.h"

namespace netring::afpacket {

enum class DirectionFilter { inout, in, out };

struct RxOptions {
    std::string interface;
    std::uint32_t snaplen = 262144;
    bool promiscuous = true;
    DirectionFilter direction = DirectionFilter::inout;
    std::size_t ring_bytes = std::size_t{32} << 20;
    unsigned block_timeout_ms = 50;  // how long a part-filled block waits
    const Filter *filter = nullptr;  // compiled with the same snaplen
    bool want_hash = false;          // fill Frame::hash from the flow hash
    std::uint32_t interface_id = 0;  // Frame::interface
};

class PacketRxRing final : public CaptureSource {
public:
    // Opens, filters, maps and binds, in the order that lets no unfiltered
    // frame in. Errors name the step; EPERM means CAP_NET_RAW is missing.
    static Result<std::unique_ptr<PacketRxRing>> open(const RxOptions &options);

    Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) override;
    Result<SourceCounters> counters() override;

    [[nodiscard]] std::size_t block_size() const { return block_size_; }
    [[nodiscard]] std::size_t block_count() const { return block_count_; }
    [[nodiscard]] int fd() const { return fd_.get(); }

private:
    PacketRxRing() = default;
    Status setup(const RxOptions &options);
    std::size_t drain(const FrameHandler &handler, bool &stopped);
    Status socket_error();

    // Member order is teardown order, reversed: the ring is unmapped before
    // the socket that owns it is closed.
    UniqueFd fd_;
    MappedRegion ring_;
    std::size_t block_size_ = 0;
    std::size_t block_count_ = 0;
    std::size_t next_block_ = 0;
    std::string interface_;
    unsigned ifindex_ = 0;
    std::uint32_t snaplen_ = 0;
    std::uint32_t interface_id_ = 0;
    DirectionFilter direction_ = DirectionFilter::inout;
    const Filter *user_filter_ = nullptr;  // set only when the kernel cannot filter
    bool want_hash_ = false;
    LinkStats link_start_{};
    SourceCounters totals_{};
    std::uint64_t user_rejected_ = 0;
};

}  // namespace netring::afpacket
