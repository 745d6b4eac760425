// SPDX-License-Identifier: GPL-2.0-or-later
// PacketTxRing: an AF_PACKET socket with a TPACKET_V3 transmit ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "netring/base/mapped_region.h"
#include "netring/base/result.h"
#include "netring/base/unique_fd.h"
#include "netring/traffic/sender.h"

namespace netring::afpacket {

struct TxOptions {
    std::string interface;
    std::size_t frame_count = 4096;
    bool qdisc_bypass = false;  // PACKET_QDISC_BYPASS: straight to the driver
};

// A frame counts as sent only when its slot comes back TP_STATUS_AVAILABLE,
// which the kernel does when the driver has released the skb, not when the
// frame was merely queued.
class PacketTxRing final : public FrameSender {
public:
    static Result<std::unique_ptr<PacketTxRing>> open(const TxOptions &options);

    // Copies a frame into the next free slot: false when every slot is in
    // flight (reap() or flush() first). The frame must fit max_frame().
    bool queue(const std::uint8_t *data, std::uint32_t len) override;
    // Asks the kernel to send every queued frame, without blocking.
    Status kick() override;
    // Collects the slots the kernel is done with; returns how many completed.
    std::size_t reap() override;
    // Kicks and waits until every queued frame completed, or timeout_ms passed.
    Status flush(int idle_ms, int most_ms) override;

    [[nodiscard]] std::uint64_t completed() const override { return completed_; }
    [[nodiscard]] std::uint64_t completed_bytes() const override { return completed_bytes_; }
    [[nodiscard]] std::uint64_t rejected() const { return rejected_; }
    [[nodiscard]] std::size_t in_flight() const { return in_flight_; }
    [[nodiscard]] std::uint32_t max_frame() const override { return max_frame_; }
    [[nodiscard]] unsigned mtu() const { return mtu_; }

private:
    PacketTxRing() = default;
    Status setup(const TxOptions &options);
    std::uint8_t *slot(std::size_t i) const { return ring_.data() + i * frame_size_; }

    // Member order is teardown order, reversed: unmap, then close.
    UniqueFd fd_;
    MappedRegion ring_;
    std::string interface_;
    std::size_t frame_size_ = 0;
    std::size_t frame_count_ = 0;
    std::uint32_t max_frame_ = 0;
    unsigned mtu_ = 0;
    std::size_t head_ = 0;  // next slot to fill
    std::size_t tail_ = 0;  // oldest slot in flight
    std::size_t in_flight_ = 0;
    std::uint64_t completed_ = 0;
    std::uint64_t completed_bytes_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace netring::afpacket
