// SPDX-License-Identifier: GPL-2.0-or-later
// XdpTxSender: a FrameSender over the TX ring of one AF_XDP socket (no XDP program needed).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netring/afxdp/xsk_socket.h"
#include "netring/base/result.h"
#include "netring/traffic/placer.h"
#include "netring/traffic/sender.h"

namespace netring::xdp {

struct XdpTxOptions {
    std::string interface;
    std::uint32_t queue = 0;
    bool zero_copy = false;    // try XDP_ZEROCOPY; copy mode (logged) when the driver lacks it
    bool need_wakeup = true;   // XDP_USE_NEED_WAKEUP: sendto() only when the kernel asks
    std::uint32_t slots = 4096;  // TX and Completion ring entries and UMEM chunks for
                                 // copied frames; rounded up to a power of two
    std::uint32_t batch = 64;    // TX ring slots reserved and published at once
    // Chunks set aside for FramePlacer::place (replay -K): 0 for none. When
    // they would push the UMEM over umem_limit, placing is off (logged) and
    // callers copy each frame as usual.
    std::uint64_t place_frames = 0;
    std::uint64_t umem_limit = 256ULL << 20;
    // Frames one sendto() may transmit in copy mode (XDP_MAX_TX_SKB_BUDGET,
    // Linux 6.17; older kernels keep their 32). 0: the kernel's default.
    std::uint32_t tx_budget = 256;
    // Warn at open when the MTU allows frames larger than a chunk (callers
    // that checked their frame sizes already turn it off).
    bool warn_mtu_over_chunk = true;
    // Senders like this one that the caller opens in all (xdp-tx --queues):
    // RLIMIT_MEMLOCK counts their UMEMs together, so the advice when one
    // cannot be locked gives the total.
    std::uint32_t sockets = 1;
};

// A frame is queued into a UMEM chunk (copied, written in place, or already
// placed), published on the TX ring in batches, and counted as sent only when
// its address comes back on the Completion ring; the allocator checks every
// address that comes back before its chunk is reused.
//
// Copy mode: the kernel builds an skb per frame inside sendto(), at most a
// budget of frames per call, so kick() is called until the ring is drained.
// Zero-copy: the driver reads the chunks itself; sendto() is needed only when
// need-wakeup says the driver is idle.
class XdpTxSender final : public FrameSender, public FramePlacer {
public:
    static Result<std::unique_ptr<XdpTxSender>> open(const XdpTxOptions &options);

    // ---- FrameSender ----
    bool queue(const std::uint8_t *data, std::uint32_t len) override;
    Status kick() override;
    std::size_t reap() override;
    Status flush(int idle_ms, int most_ms) override;
    [[nodiscard]] std::uint64_t completed() const override { return completed_; }
    // The Completion ring returns a queue's frames in the order they were
    // queued, so the bytes of the first completed() frames.
    [[nodiscard]] std::uint64_t completed_bytes() const override
    {
        return completed_ == 0 ? 0 : queued_bytes_after_[(completed_ - 1) & (queued_bytes_after_.size() - 1)];
    }
    // A frame must fit one chunk: without multi-buffer AF_XDP a larger one
    // cannot be sent at all (callers skip or truncate it).
    [[nodiscard]] std::uint32_t max_frame() const override { return max_frame_; }

    // ---- FramePlacer ----
    [[nodiscard]] std::size_t place_capacity() const override;
    std::optional<std::uint32_t> place(const std::uint8_t *data, std::uint32_t len) override;
    bool queue_placed(std::uint32_t index, std::uint32_t len) override;

    // ---- in place (xdp-tx) ----
    // A free chunk for a len-byte frame, already queued: the caller writes the
    // frame before the next kick(). The chunk keeps whatever was sent from it
    // last, so a generator that knows (by chunk index) what it left there
    // rewrites only what changes. nullopt when every slot is in flight.
    struct InPlace {
        std::uint8_t *frame;
        std::uint32_t chunk;  // 0 .. chunk_count() - 1
    };
    std::optional<InPlace> queue_in_place(std::uint32_t len);
    [[nodiscard]] std::uint32_t chunk_count() const { return socket_->frames().capacity(); }

    [[nodiscard]] std::uint64_t queued() const { return queued_; }
    [[nodiscard]] bool zero_copy() const { return socket_->zero_copy(); }
    [[nodiscard]] const XskSocket &socket() const { return *socket_; }
    // "AF_XDP copy mode, nr1a queue 0, 4096 slots, chunks of 2048 bytes".
    [[nodiscard]] std::string describe() const;

private:
    XdpTxSender() = default;
    // An open batch with room for one more frame (publishing a full one and
    // reaping when the ring or the chunks run short); false when none.
    bool make_room();
    Status publish();
    void note_queued(std::uint32_t len);

    std::unique_ptr<XskSocket> socket_;
    TxBatch batch_;
    std::uint32_t batch_size_ = 64;
    std::uint32_t max_frame_ = 0;
    std::uint64_t queued_ = 0;
    std::uint64_t completed_ = 0;
    // Bytes queued up to and including frame n, at n & (size - 1): a power of
    // two larger than the frames that can be in flight (TX and Completion
    // rings and a batch), so every frame not yet completed still has its entry.
    std::vector<std::uint64_t> queued_bytes_after_;
    std::uint64_t queued_bytes_ = 0;
    std::optional<Error> deferred_;  // from a publish inside queue(), returned by kick()
    // Placed frames: chunk addresses in the socket's placed range, and lengths.
    struct Placed {
        std::uint64_t addr;
        std::uint32_t len;
    };
    std::vector<Placed> placed_;
    std::uint64_t place_first_ = 0;
    std::uint64_t place_slots_ = 0;
};

}  // namespace netring::xdp
