// SPDX-License-Identifier: GPL-2.0-or-later
// XskSocket: one AF_XDP socket bound to an interface queue, with its rings and frames.
//
// Built by XskSocketBuilder. Teardown order is the member order, not hand-written
// cleanup: the rings are unmapped, then the socket closes, then the Umem reference
// is dropped (so the Umem outlives every socket using it). A socket is neither
// copyable nor movable (tokens and batches point at its rings); build() returns it
// in a unique_ptr.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "netring/afxdp/abi.h"
#include "netring/afxdp/frame_allocator.h"
#include "netring/afxdp/ring.h"
#include "netring/afxdp/umem.h"
#include "netring/base/mapped_region.h"
#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring::xdp {

// XDP_STATISTICS, widened to 64 bits whatever the kernel's struct version.
struct XdpStatistics {
    std::uint64_t rx_dropped = 0;                // no free chunk, or frame larger than a chunk
    std::uint64_t rx_invalid_descs = 0;          // bad descriptors in the Fill ring
    std::uint64_t tx_invalid_descs = 0;          // bad descriptors in the TX ring
    std::uint64_t rx_ring_full = 0;              // RX ring full (we read too slowly)
    std::uint64_t rx_fill_ring_empty_descs = 0;  // times the Fill ring was found empty
    std::uint64_t tx_ring_empty_descs = 0;       // times the TX ring was found empty
};

enum class CopyMode : std::uint8_t {
    copy,               // XDP_COPY: works on every interface
    prefer_zero_copy,   // XDP_ZEROCOPY, else copy with the reason logged
    require_zero_copy,  // XDP_ZEROCOPY or fail
    kernel_default,     // no flag: the kernel picks zero-copy when the driver has it
};

// 0 / false leave a knob at the kernel's default.
struct BusyPoll {
    bool prefer = false;    // SO_PREFER_BUSY_POLL (5.11)
    int usecs = 0;          // SO_BUSY_POLL
    int budget = 0;         // SO_BUSY_POLL_BUDGET (5.11)
};

class XskSocket;

// Frames read from the RX ring; readable until handed back with XskSocket::recycle.
class RxBatch {
public:
    RxBatch() = default;
    [[nodiscard]] std::uint32_t size() const { return token_.size(); }
    [[nodiscard]] bool empty() const { return token_.empty(); }
    // Descriptor i, nullptr beyond size().
    [[nodiscard]] const xdp_desc *desc(std::size_t i) const { return token_.at(i); }
    // Frame i's bytes; empty beyond size() or when the kernel's descriptor does not
    // lie inside this socket's frames.
    [[nodiscard]] std::span<const std::uint8_t> frame(std::size_t i) const;
    // Asks the CPU to fetch frame i's first bytes and the `before` bytes
    // ahead of it (metadata), so that they are in cache when read; the
    // metadata for writing, as the reader clears it.
    void prefetch(std::size_t i, std::uint32_t before) const;
    // Frame i's bytes as frame(i) gives them, and in `meta` the `meta_len`
    // bytes just before them (XDP metadata), empty when they would leave the
    // frame's chunk: one check of the descriptor for both.
    [[nodiscard]] std::span<const std::uint8_t> frame(std::size_t i, std::uint32_t meta_len,
                                                      std::span<std::uint8_t> &meta) const;

private:
    friend class XskSocket;
    ConsumerRing<xdp_desc>::Token token_;
    const XskSocket *socket_ = nullptr;
};

// Frames being queued for transmission; sent with XskSocket::send. A batch
// dropped unsent returns its chunks.
class TxBatch {
public:
    TxBatch() = default;
    TxBatch(TxBatch &&other) noexcept;
    TxBatch &operator=(TxBatch &&other) noexcept;
    ~TxBatch();

    [[nodiscard]] std::uint32_t capacity() const { return token_.size(); }
    [[nodiscard]] std::uint32_t size() const { return used_; }
    // Copies one frame into a free chunk; false when the batch is full, no chunk
    // is free or the frame does not fit in a chunk.
    bool push(std::span<const std::uint8_t> frame);
    // Takes a free chunk for a len-byte frame that the caller writes in place
    // before send(); the chunk still holds what was last sent from it, so a
    // generator rewrites only the bytes that change. Empty when the batch is
    // full, no chunk is free or len does not fit in a chunk.
    std::span<std::uint8_t> emplace(std::uint32_t len);
    // Queues a frame that already lies in the socket's placed chunks
    // (XskSocket::set_placed): nothing is copied or allocated. false when the
    // batch is full or [addr, addr + len) is not inside one placed chunk.
    bool push_placed(std::uint64_t addr, std::uint32_t len);

private:
    friend class XskSocket;
    void drop_frames();

    ProducerRing<xdp_desc>::Token token_;
    XskSocket *socket_ = nullptr;
    std::uint32_t used_ = 0;
};

class XskSocket {
public:
    XskSocket(const XskSocket &) = delete;
    XskSocket &operator=(const XskSocket &) = delete;
    ~XskSocket();

    [[nodiscard]] int fd() const { return fd_.get(); }
    [[nodiscard]] const std::string &interface() const { return ifname_; }
    [[nodiscard]] unsigned ifindex() const { return ifindex_; }
    [[nodiscard]] std::uint32_t queue() const { return queue_; }
    [[nodiscard]] bool zero_copy() const { return zero_copy_; }  // XDP_OPTIONS after bind
    [[nodiscard]] bool multi_buffer() const { return multi_buffer_; }  // bound with XDP_USE_SG
    [[nodiscard]] bool uses_need_wakeup() const { return need_wakeup_; }
    [[nodiscard]] bool shares_umem() const { return shared_; }
    [[nodiscard]] const Umem &umem() const { return *umem_; }
    [[nodiscard]] const FrameAllocator &frames() const { return frames_; }
    // Descriptors from the kernel that failed the allocator's checks and were dropped.
    [[nodiscard]] std::uint64_t rejected_descriptors() const { return rejected_; }

    Result<XdpStatistics> statistics() const;
    // XDP_OPTIONS read now: whether the bound socket runs in zero-copy mode.
    Result<bool> query_zero_copy() const;

    // ---- RX ----
    // Moves free chunks into the Fill ring; returns how many.
    std::uint32_t refill();
    // Up to max received frames.
    RxBatch receive(std::uint32_t max);
    // Hands the first `used` frames of a batch back (all by default): their chunks
    // return to the allocator and the Fill ring is topped up. Returns how many.
    std::uint32_t recycle(RxBatch &&batch, std::uint32_t used = UINT32_MAX);
    // Waits up to timeout_ms for RX frames (poll). false on timeout or EINTR; an
    // error once the socket has one (ENETDOWN when the interface went away).
    Result<bool> wait_readable(int timeout_ms);
    // With need-wakeup, kicks the driver when the Fill ring asks for it.
    void wake_rx_if_needed();
    // The socket's pending error (SO_ERROR), 0 when none.
    [[nodiscard]] int pending_error() const;

    // ---- TX ----
    // Slots for up to max frames (fewer when the ring or the free chunks run short).
    TxBatch prepare_tx(std::uint32_t max);
    // Publishes the batch and kicks the kernel when it needs it (always in copy
    // mode, where sendto() is what transmits). Returns how many were queued.
    Result<std::uint32_t> send(TxBatch &&batch);
    // Returns completed TX chunks to the allocator (placed chunks stay with
    // the caller); how many completions were read.
    std::uint32_t complete(std::uint32_t max = UINT32_MAX);
    // Kicks the kernel (sendto) when the TX ring holds frames it has not
    // consumed and need-wakeup asks for it or is off. In copy mode one sendto
    // transmits only a budget of frames, so senders call this again until the
    // ring is drained, also when they have nothing new to queue.
    Status wake_tx();
    // Frames published on the TX ring that the kernel has not consumed yet.
    std::uint32_t tx_unconsumed() { return tx_.valid() ? tx_.in_flight() : 0; }
    // UMEM chunks outside every socket's allocator (Umem::carve) that hold
    // frames the caller sends many times, e.g. a whole preloaded file: they
    // go out with TxBatch::push_placed and their completions are counted but
    // never handed to the allocator.
    void set_placed(const FrameRange &range);

private:
    friend class XskSocketBuilder;
    friend class RxBatch;
    friend class TxBatch;
    XskSocket() = default;

    // Member order is teardown order, last first.
    std::shared_ptr<Umem> umem_;  // released last: the memory outlives the socket
    UniqueFd fd_;                 // closed after every ring mapping below is gone
    MappedRegion fill_map_;
    MappedRegion completion_map_;
    MappedRegion rx_map_;
    MappedRegion tx_map_;
    ProducerRing<std::uint64_t> fill_;
    ConsumerRing<std::uint64_t> completion_;
    ConsumerRing<xdp_desc> rx_;
    ProducerRing<xdp_desc> tx_;
    FrameAllocator frames_;

    std::string ifname_;
    unsigned ifindex_ = 0;
    std::uint32_t queue_ = 0;
    bool zero_copy_ = false;
    bool need_wakeup_ = false;
    bool multi_buffer_ = false;
    bool shared_ = false;
    bool owns_registration_ = false;
    std::uint32_t tx_offset_ = 0;  // TX frames start here in their chunk (after TX metadata)
    std::uint64_t rejected_ = 0;
    std::uint64_t placed_first_ = 0;  // [placed_first_, placed_end_): set_placed()
    std::uint64_t placed_end_ = 0;
};

class XskSocketBuilder {
public:
    XskSocketBuilder &interface(std::string name);
    XskSocketBuilder &queue(std::uint32_t id);
    XskSocketBuilder &rx_ring(std::uint32_t entries);  // 0: no RX ring
    XskSocketBuilder &tx_ring(std::uint32_t entries);  // 0: no TX ring
    XskSocketBuilder &fill_ring(std::uint32_t entries);
    XskSocketBuilder &completion_ring(std::uint32_t entries);
    // Shares a Umem: the first socket built on it owns the registration, the
    // others bind with XDP_SHARED_UMEM (each on another queue or interface, with
    // its own Fill and Completion rings and its own slice of the frames).
    // Those take copy/zero-copy and need-wakeup from the first socket, so
    // build them with the same need_wakeup().
    XskSocketBuilder &umem(std::shared_ptr<Umem> umem);
    // Without umem(): the builder creates one with this configuration.
    XskSocketBuilder &umem_config(const UmemConfig &config);
    // How many of the Umem's chunks this socket owns; 0 (default): all that remain.
    XskSocketBuilder &frames(std::uint32_t count);
    XskSocketBuilder &copy_mode(CopyMode mode);
    XskSocketBuilder &need_wakeup(bool on);
    // XDP_USE_SG (Linux 6.6): a frame longer than a chunk arrives split over
    // several RX descriptors instead of being dropped. Kernels without it
    // bind without; XskSocket::multi_buffer() says which. A socket sharing a
    // UMEM gets what the UMEM's first socket got.
    XskSocketBuilder &multi_buffer(bool on);
    XskSocketBuilder &busy_poll(const BusyPoll &knobs);
    // XDP_MAX_TX_SKB_BUDGET (6.17) when > 0 and the socket has a TX ring; ignored
    // by older kernels.
    XskSocketBuilder &max_tx_skb_budget(std::uint32_t budget);
    // How long bind() is retried while the queue is still held by a socket that
    // just closed (the kernel releases it asynchronously).
    XskSocketBuilder &bind_retry(std::chrono::milliseconds total);

    [[nodiscard]] Result<std::unique_ptr<XskSocket>> build() const;

private:
    std::string ifname_;
    std::uint32_t queue_ = 0;
    std::uint32_t rx_entries_ = 2048;
    std::uint32_t tx_entries_ = 0;
    std::uint32_t fill_entries_ = 4096;
    std::uint32_t completion_entries_ = 2048;
    std::shared_ptr<Umem> umem_;
    UmemConfig umem_config_;
    std::uint32_t frames_ = 0;
    CopyMode copy_mode_ = CopyMode::copy;
    bool need_wakeup_ = true;
    bool multi_buffer_ = false;
    BusyPoll busy_poll_;
    std::uint32_t max_tx_skb_budget_ = 0;
    std::chrono::milliseconds bind_retry_{1000};
};

// RxBatch's accessors run for every frame received: inline, here where
// XskSocket is complete.

inline void RxBatch::prefetch(std::size_t i, std::uint32_t before) const
{
    const xdp_desc *d = token_.at(i);
    if (d == nullptr)
        return;
    // Unchecked on purpose: a prefetch never faults, and frame(i) checks the
    // address before anything reads it.
    // Integer arithmetic: a bad address must not be a pointer outside the UMEM.
    const auto p = reinterpret_cast<std::uintptr_t>(socket_->umem_->data()) + d->addr;
    // For writing: the metadata is cleared once read, and a line fetched
    // only for reading, from the CPU that wrote the frame, costs a second
    // transfer when written (about 10% of AF_XDP capture's CPU per frame, in
    // 10 of 10 alternating runs). GCC emits prefetchw only with -mprfchw;
    // AMD CPUs and Intel ones since Broadwell have it, and Intel 64 CPUs
    // before them decode it as a no-op.
#if defined(__x86_64__)
    asm volatile("prefetchw %0" : : "m"(*reinterpret_cast<const char *>(p - before)));
#else
    __builtin_prefetch(reinterpret_cast<const void *>(p - before), 1);
#endif
    __builtin_prefetch(reinterpret_cast<const void *>(p + 48));
}

inline std::span<const std::uint8_t> RxBatch::frame(std::size_t i, std::uint32_t meta_len,
                                                    std::span<std::uint8_t> &meta) const
{
    meta = {};
    const xdp_desc *d = token_.at(i);
    std::uint64_t chunk = 0;
    if (d == nullptr || socket_->frames_.rebase(d->addr, d->len, chunk) != AddrCheck::ok)
        return {};
    std::uint8_t *at = socket_->umem_->data() + d->addr;
    if (d->addr - chunk >= meta_len)
        meta = {at - meta_len, meta_len};
    return {at, d->len};
}

inline std::span<const std::uint8_t> RxBatch::frame(std::size_t i) const
{
    std::span<std::uint8_t> no_meta;
    return frame(i, 0, no_meta);
}

}  // namespace netring::xdp
