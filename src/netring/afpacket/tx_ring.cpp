// SPDX-License-Identifier: GPL-2.0-or-later
// TPACKET_V3 transmit ring: slots, kicks and completions.
#include "netring/afpacket/tx_ring.h"

#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "netring/base/clock.h"
#include "netring/base/interface.h"
#include "netring/traffic/flush_wait.h"

namespace netring::afpacket {

namespace {

// Where a TX frame's bytes start in its slot (no PACKET_TX_HAS_OFF).
constexpr std::size_t data_offset = TPACKET3_HDRLEN - sizeof(sockaddr_ll);

}  // namespace

Result<std::unique_ptr<PacketTxRing>> PacketTxRing::open(const TxOptions &options)
{
    std::unique_ptr<PacketTxRing> ring(new PacketTxRing());
    if (auto st = ring->setup(options); !st)
        return st.error();
    return ring;
}

Status PacketTxRing::setup(const TxOptions &o)
{
    auto info = usable_interface(o.interface);
    if (!info)
        return info.error();
    if (auto st = require_ethernet(*info, LinkUse::send); !st)
        return st;
    interface_ = o.interface;
    mtu_ = info->mtu;

    fd_.reset(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
    if (!fd_.valid()) {
        const int err = errno;
        return Error::sys(err, "open AF_PACKET socket").needing(Privilege::raw_socket);
    }
    const int version = TPACKET_V3;
    if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0) {
        const int err = errno;
        return Error::sys(err, "select TPACKET_V3");
    }
    if (o.qdisc_bypass) {
        const int one = 1;
        if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0) {
            const int err = errno;
            return Error::sys(err, "PACKET_QDISC_BYPASS");
        }
    }
    // A slot holds the header and the largest frame the link takes (a VLAN
    // tag beyond the MTU included), rounded up to a power of two.
    const std::size_t need = data_offset + mtu_ + 14 + 4;
    frame_size_ = 2048;
    while (frame_size_ < need)
        frame_size_ *= 2;
    max_frame_ = static_cast<std::uint32_t>(frame_size_ - data_offset);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t block = std::max(page, frame_size_);
    frame_count_ = std::max<std::size_t>(o.frame_count, 64);
    const std::size_t per_block = block / frame_size_;
    const std::size_t blocks = (frame_count_ + per_block - 1) / per_block;
    frame_count_ = blocks * per_block;
    tpacket_req3 req{};
    req.tp_block_size = static_cast<unsigned>(block);
    req.tp_block_nr = static_cast<unsigned>(blocks);
    req.tp_frame_size = static_cast<unsigned>(frame_size_);
    req.tp_frame_nr = static_cast<unsigned>(frame_count_);
    if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("set up a {}-slot TPACKET_V3 TX ring on {}", frame_count_, interface_));
    }
    auto region = MappedRegion::map(block * blocks, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_.get(), 0,
                                    "TPACKET_V3 TX ring");
    if (!region)
        return region.error();
    ring_ = std::move(region.value());

    // Protocol 0: the socket sends but receives nothing, so the frames it
    // sends are not copied back to it; the kernel reads each frame's
    // protocol from its Ethernet header.
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = 0;
    sll.sll_ifindex = static_cast<int>(info->index);
    if (::bind(fd_.get(), reinterpret_cast<sockaddr *>(&sll), sizeof(sll)) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("bind AF_PACKET socket to {}", interface_));
    }
    return {};
}

bool PacketTxRing::queue(const std::uint8_t *data, std::uint32_t len)
{
    if (in_flight_ == frame_count_ && reap() == 0 && in_flight_ == frame_count_)
        return false;
    auto *hdr = reinterpret_cast<tpacket3_hdr *>(slot(head_));
    std::memcpy(slot(head_) + data_offset, data, len);
    hdr->tp_len = len;
    hdr->tp_snaplen = len;
    hdr->tp_next_offset = 0;
    // Release: the frame's bytes are in place before the kernel can see the
    // request.
    __atomic_store_n(&hdr->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    head_ = (head_ + 1) % frame_count_;
    ++in_flight_;
    return true;
}

Status PacketTxRing::kick()
{
    if (::send(fd_.get(), nullptr, 0, MSG_DONTWAIT) < 0) {
        const int err = errno;
        // A full device queue or socket buffer: the frames stay queued and
        // the next kick sends them.
        if (err == EAGAIN || err == ENOBUFS || err == EINTR)
            return {};
        return Error::sys(err, fmt::format("send on {}", interface_));
    }
    return {};
}

std::size_t PacketTxRing::reap()
{
    std::size_t done = 0;
    while (in_flight_ > 0) {
        auto *hdr = reinterpret_cast<tpacket3_hdr *>(slot(tail_));
        // Acquire: pairs with the kernel's store when it releases the slot.
        const unsigned status = __atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE);
        if (status == TP_STATUS_AVAILABLE) {
            ++completed_;
            completed_bytes_ += hdr->tp_len;  // ours: the kernel only reads it
        } else if ((status & TP_STATUS_WRONG_FORMAT) != 0) {
            ++rejected_;
            __atomic_store_n(&hdr->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELAXED);
        } else {
            break;
        }
        tail_ = (tail_ + 1) % frame_count_;
        --in_flight_;
        ++done;
    }
    return done;
}

Status PacketTxRing::flush(int idle_ms, int most_ms)
{
    FlushWait limits(idle_ms, most_ms);
    while (in_flight_ > 0) {
        if (auto st = kick(); !st)
            return st;
        if (reap() != 0)
            limits.progress();
        if (in_flight_ == 0)
            break;
        if (auto e = limits.give_up(in_flight_, interface_))
            return *e;
        pollfd pfd{fd_.get(), POLLOUT, 0};
        ::poll(&pfd, 1, 1);
    }
    return {};
}

}  // namespace netring::afpacket
