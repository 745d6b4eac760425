// SPDX-License-Identifier: GPL-2.0-or-later
// AF_XDP transmit: batches on the TX ring, completions counted, placed and in-place frames.
#include "netring/afxdp/xdp_tx_sender.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netring/base/clock.h"
#include "netring/base/interface.h"
#include "netring/base/queues.h"
#include "netring/traffic/flush_wait.h"

namespace netring::xdp {

namespace {

// Ethernet header and one VLAN tag on top of the MTU.
constexpr std::uint32_t link_overhead = 14 + 4;

}  // namespace

Result<std::unique_ptr<XdpTxSender>> XdpTxSender::open(const XdpTxOptions &o)
{
    auto info = usable_interface(o.interface);
    if (!info)
        return info.error();
    if (auto st = require_ethernet(*info, LinkUse::send); !st)
        return st.error();
    // bind() checks the queue against the TX queues for a socket that only
    // sends, and says EINVAL; the count, and the numbers there are, say more.
    if (const std::uint32_t tx = interface_queues(o.interface).tx; tx != 0 && o.queue >= tx)
        return Error::invalid(EINVAL, missing_queue(o.interface, "TX", tx, o.queue));

    const std::uint32_t slots = std::bit_ceil(std::clamp<std::uint32_t>(o.slots, 64, 1U << 20));
    // Small chunks when the link's largest frame fits: half the memory, and
    // twice the preloaded frames within the same limit.
    const std::uint32_t chunk = info->mtu + link_overhead <= 2048 ? 2048 : 4096;
    if (o.warn_mtu_over_chunk && info->mtu + link_overhead > chunk)
        spdlog::warn("AF_XDP: {} has MTU {}, but a frame must fit one {}-byte UMEM chunk (no multi-buffer): "
                     "larger frames cannot be sent with --backend xdp",
                     o.interface, info->mtu, chunk);

    std::uint64_t place = o.place_frames;
    if (place != 0 && (slots + place) * chunk > o.umem_limit) {
        // In KiB (chunks are whole KiB), so that a need just over the limit
        // does not read as "256 MiB (limit 256 MiB)".
        spdlog::warn("AF_XDP: {} preloaded frames and {} TX slots would need a {} KiB UMEM (limit {} KiB, room "
                     "for {} preloaded frames); copying each frame into the UMEM as it is sent instead",
                     place, slots, ((slots + place) * chunk) >> 10, o.umem_limit >> 10,
                     o.umem_limit / chunk > slots ? o.umem_limit / chunk - slots : 0);
        place = 0;
    }

    UmemConfig uc;
    uc.frame_count = static_cast<std::uint32_t>(slots + place);
    uc.chunk_size = chunk;
    auto umem = Umem::create(uc);
    if (!umem) {
        Error e = umem.error();
        // The UMEM is pinned memory: without CAP_IPC_LOCK it counts against
        // RLIMIT_MEMLOCK, and the kernel says ENOBUFS when it does not fit.
        if (e.code == ENOBUFS || e.code == ENOMEM) {
            const std::uint64_t each = std::uint64_t{uc.frame_count} * chunk;
            const std::uint32_t n = std::max<std::uint32_t>(o.sockets, 1);
            e.context += fmt::format(" ({} MiB of locked memory{}: raise RLIMIT_MEMLOCK with ulimit -l, or grant "
                                     "CAP_IPC_LOCK)",
                                     (each * n) >> 20,
                                     n > 1 ? fmt::format(" for {} queues, {} MiB each", n, each >> 20) : "");
            e.needs = Privilege::stated;
        }
        return e;
    }

    std::unique_ptr<XdpTxSender> s(new XdpTxSender());
    XskSocketBuilder b;
    b.interface(o.interface)
        .queue(o.queue)
        .rx_ring(0)
        .tx_ring(slots)
        .fill_ring(64)  // unused without an RX ring, but bind() wants one
        .completion_ring(slots)
        .umem(umem.value())
        .frames(slots)
        .copy_mode(o.zero_copy ? CopyMode::prefer_zero_copy : CopyMode::copy)
        .need_wakeup(o.need_wakeup);
    if (o.tx_budget >= 32)
        b.max_tx_skb_budget(std::min(o.tx_budget, slots));
    auto socket = b.build();
    if (!socket)
        return socket.error();
    s->socket_ = std::move(socket.value());
    s->batch_size_ = std::clamp<std::uint32_t>(o.batch, 1, slots);
    s->queued_bytes_after_.resize(std::size_t{slots} * 4);
    s->max_frame_ = chunk;
    if (place != 0) {
        const auto range = umem.value()->carve(static_cast<std::uint32_t>(place));
        if (!range)
            return Error::logic("AF_XDP: the UMEM has no chunks left for preloaded frames");
        s->socket_->set_placed(*range);
        s->place_first_ = range->first_addr;
        s->place_slots_ = place;
        s->placed_.reserve(place);
    }
    spdlog::info("{}", s->describe());
    return s;
}

std::string XdpTxSender::describe() const
{
    return fmt::format("AF_XDP {} mode, {} queue {}, {} TX slots, {}-byte chunks{}{}",
                       socket_->zero_copy() ? "zero-copy" : "copy", socket_->interface(), socket_->queue(),
                       socket_->frames().capacity(), socket_->frames().chunk_size(),
                       socket_->uses_need_wakeup() ? ", need-wakeup" : "",
                       place_slots_ != 0 ? fmt::format(", room for {} preloaded frames", place_slots_) : "");
}

Status XdpTxSender::publish()
{
    if (batch_.size() == 0)
        return {};
    auto sent = socket_->send(std::move(batch_));
    batch_ = TxBatch();
    if (!sent)
        return sent.error();
    return {};
}

bool XdpTxSender::make_room()
{
    if (batch_.size() < batch_.capacity())
        return true;
    // A full batch goes to the kernel; a failure there resurfaces at the
    // next kick(), which can return it (queue() only says yes or no).
    if (auto st = publish(); !st && !deferred_)
        deferred_ = st.error();
    batch_ = socket_->prepare_tx(batch_size_);
    if (batch_.capacity() == 0) {
        reap();
        batch_ = socket_->prepare_tx(batch_size_);
    }
    return batch_.capacity() > 0;
}

void XdpTxSender::note_queued(std::uint32_t len)
{
    queued_bytes_ += len;
    queued_bytes_after_[queued_ & (queued_bytes_after_.size() - 1)] = queued_bytes_;
    ++queued_;
}

bool XdpTxSender::queue(const std::uint8_t *data, std::uint32_t len)
{
    if (!make_room() || !batch_.push({data, len}))
        return false;
    note_queued(len);
    return true;
}

std::optional<XdpTxSender::InPlace> XdpTxSender::queue_in_place(std::uint32_t len)
{
    if (!make_room())
        return std::nullopt;
    const std::span<std::uint8_t> frame = batch_.emplace(len);
    if (frame.empty())
        return std::nullopt;
    note_queued(len);
    const auto offset = static_cast<std::uint64_t>(frame.data() - socket_->umem().data());
    const auto &frames = socket_->frames();
    return InPlace{frame.data(), static_cast<std::uint32_t>((offset - frames.first_addr()) / frames.chunk_size())};
}

std::size_t XdpTxSender::place_capacity() const { return place_slots_ - placed_.size(); }

std::optional<std::uint32_t> XdpTxSender::place(const std::uint8_t *data, std::uint32_t len)
{
    if (placed_.size() >= place_slots_ || len == 0 || len > max_frame_)
        return std::nullopt;
    const std::uint64_t addr = place_first_ + placed_.size() * std::uint64_t{socket_->frames().chunk_size()};
    std::uint8_t *dst = socket_->umem().at(addr, len);
    if (dst == nullptr)
        return std::nullopt;
    std::memcpy(dst, data, len);
    placed_.push_back({addr, len});
    return static_cast<std::uint32_t>(placed_.size() - 1);
}

bool XdpTxSender::queue_placed(std::uint32_t index, std::uint32_t len)
{
    if (index >= placed_.size() || len == 0 || len > placed_[index].len)
        return false;
    if (!make_room() || !batch_.push_placed(placed_[index].addr, len))
        return false;
    note_queued(len);
    return true;
}

Status XdpTxSender::kick()
{
    if (deferred_) {
        Error e = std::move(*deferred_);
        deferred_.reset();
        return e;
    }
    // Publishing kicks when the kernel wants it; with nothing new, the ring
    // may still hold frames that an earlier sendto's budget left behind.
    if (batch_.size() != 0)
        return publish();
    return socket_->wake_tx();
}

std::size_t XdpTxSender::reap()
{
    const std::uint64_t rejected = socket_->rejected_descriptors();
    const std::uint32_t n = socket_->complete();
    // An address the allocator refused is not a frame of ours that completed.
    const auto good = static_cast<std::uint32_t>(n - (socket_->rejected_descriptors() - rejected));
    completed_ += good;
    return good;
}

Status XdpTxSender::flush(int idle_ms, int most_ms)
{
    FlushWait limits(idle_ms, most_ms);
    std::uint64_t dropped = 0;
    while (completed_ + dropped < queued_) {
        if (auto st = kick(); !st)
            return st;
        if (reap() != 0) {
            limits.progress();
            continue;
        }
        // Descriptors the kernel found invalid are skipped without a
        // completion; the rest are on their way.
        if (auto stats = socket_->statistics())
            dropped = stats->tx_invalid_descs;
        if (completed_ + dropped >= queued_)
            break;
        if (auto e = limits.give_up(queued_ - completed_ - dropped, socket_->interface()))
            return *e;
        const timespec pause{0, 50'000};
        ::nanosleep(&pause, nullptr);
    }
    return {};
}

}  // namespace netring::xdp
