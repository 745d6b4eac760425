// SPDX-License-Identifier: GPL-2.0-or-later
// TPACKET_V3 receive ring: setup, block draining and statistics.
#include "netring/afpacket/rx_ring.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config.h"
#include "netring/afpacket/block_walker.h"
#include "netring/afpacket/vlan.h"
#include "netring/base/interface.h"

namespace netring::afpacket {

namespace {

// A flood wakes the reader once per block: with the default 32 MiB ring,
// 4 MiB blocks cost 0.056 us a captured frame against 0.064 for 1 MiB
// blocks (medians of 6-8 alternating runs, 2M 60-byte frames into tmpfs); 8 MiB
// gained nothing more.
constexpr std::size_t max_block = std::size_t{4} << 20;

std::size_t pow2_floor(std::size_t v)
{
    std::size_t p = 1;
    while (p * 2 <= v)
        p *= 2;
    return p;
}

std::size_t pow2_ceil(std::size_t v)
{
    std::size_t p = 1;
    while (p < v)
        p *= 2;
    return p;
}

Status set_option(int fd, int level, int name, const void *value, socklen_t len, const std::string &what)
{
    if (::setsockopt(fd, level, name, value, len) < 0) {
        const int err = errno;
        return Error::sys(err, what);
    }
    return {};
}

Status attach_filter(int fd, const bpf_program &prog, const std::string &iface)
{
    // libpcap's bpf_insn and the kernel's sock_filter share one layout.
    static_assert(sizeof(bpf_insn) == sizeof(sock_filter));
    sock_fprog fprog{};
    fprog.len = static_cast<unsigned short>(prog.bf_len);
    fprog.filter = reinterpret_cast<sock_filter *>(prog.bf_insns);
    return set_option(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog),
                      fmt::format("attach filter to AF_PACKET socket on {}", iface));
}

Reception reception_of(unsigned char pkttype)
{
    switch (pkttype) {
    case PACKET_HOST:
        return Reception::unicast;
    case PACKET_BROADCAST:
        return Reception::broadcast;
    case PACKET_MULTICAST:
        return Reception::multicast;
    case PACKET_OTHERHOST:
        return Reception::promiscuous;
    default:
        return Reception::unspecified;
    }
}

}  // namespace

Result<std::unique_ptr<PacketRxRing>> PacketRxRing::open(const RxOptions &options)
{
    std::unique_ptr<PacketRxRing> ring(new PacketRxRing());
    if (auto st = ring->setup(options); !st)
        return st.error();
    return ring;
}

Status PacketRxRing::setup(const RxOptions &o)
{
    auto info = usable_interface(o.interface);
    if (!info)
        return info.error();
    if (auto st = require_ethernet(*info, LinkUse::capture); !st)
        return st;
    interface_ = o.interface;
    ifindex_ = info->index;
    snaplen_ = o.snaplen;
    interface_id_ = o.interface_id;
    direction_ = o.direction;
    want_hash_ = o.want_hash;

    // Protocol 0: the socket receives nothing until bind(), so every frame
    // that reaches the ring has passed the filter attached below.
    fd_.reset(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
    if (!fd_.valid()) {
        const int err = errno;
        return Error::sys(err, "open AF_PACKET socket").needing(Privilege::raw_socket);
    }
    const int version = TPACKET_V3;
    if (auto st = set_option(fd_.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof(version), "select TPACKET_V3");
        !st)
        return st;
    // Headroom before each frame so that a VLAN tag can be put back in place.
    const unsigned reserve = vlan_tag_len;
    if (auto st = set_option(fd_.get(), SOL_PACKET, PACKET_RESERVE, &reserve, sizeof(reserve), "PACKET_RESERVE");
        !st)
        return st;

    filter_ = o.filter;
    block_timeout_ms_ = o.block_timeout_ms;
    if (o.filter != nullptr && o.filter->needs_user_space())
        user_filter_ = o.filter;
    if (o.start_blocked) {
        sock_filter drop_all{BPF_RET | BPF_K, 0, 0, 0};
        sock_fprog fprog{1, &drop_all};
        if (auto st = set_option(fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog),
                                 fmt::format("attach drop-all filter to AF_PACKET socket on {}", interface_));
            !st)
            return st;
    } else if (auto st = attach_final_filter(); !st) {
        return st;
    }

    // Loopback hands every frame over twice, as sent and as received; libpcap
    // keeps the received copy, and so does the kernel for us here, before
    // either reaches the ring.
    if (o.direction == DirectionFilter::in || info->hw_type == ARPHRD_LOOPBACK) {
#if HAVE_PACKET_IGNORE_OUTGOING
        const int one = 1;
        if (auto st = set_option(fd_.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one),
                                 "PACKET_IGNORE_OUTGOING");
            !st)
            return st;
#else
        return Error::logic("-Q in, and capture on loopback, need PACKET_IGNORE_OUTGOING (Linux 4.20)");
#endif
    }

    // Blocks of at most 4 MiB, at least 8 of them, each large enough for one
    // frame of snaplen bytes plus headers (V3 never splits a frame).
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::size_t block = std::min(max_block, pow2_floor(std::max(o.ring_bytes / 8, page)));
    block = std::max(block, pow2_ceil(std::size_t{o.snaplen} + 256));
    std::size_t count = std::max<std::size_t>(2, o.ring_bytes / block);
    const unsigned frame_size = TPACKET_ALIGNMENT << 7;  // 2048: only the frame count derives from it
    for (;;) {
        tpacket_req3 req{};
        req.tp_block_size = static_cast<unsigned>(block);
        req.tp_block_nr = static_cast<unsigned>(count);
        req.tp_frame_size = frame_size;
        req.tp_frame_nr = static_cast<unsigned>(block / frame_size * count);
        req.tp_retire_blk_tov = o.block_timeout_ms;
        req.tp_feature_req_word = o.want_hash ? TP_FT_REQ_FILL_RXHASH : 0;
        if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) == 0)
            break;
        const int err = errno;
        if (err == ENOMEM && count > 2) {
            // The kernel could not find that many contiguous blocks: halve and
            // say so, rather than fail a capture that a smaller ring can do.
            spdlog::warn("{}: no memory for a {} x {} KiB ring, trying {} blocks", interface_, count, block >> 10,
                         count / 2);
            count /= 2;
            continue;
        }
        return Error::sys(err, fmt::format("set up a {} x {} KiB TPACKET_V3 ring on {}", count, block >> 10,
                                           interface_));
    }
    block_size_ = block;
    block_count_ = count;
    lent_.assign(count, false);
    lent_blocks_.assign(count, LentBlock(this));
    // No MAP_POPULATE: packet_mmap() already maps every page of the ring, and
    // walking them again costs milliseconds of start-up for nothing.
    auto region = MappedRegion::map(block * count, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0,
                                    "TPACKET_V3 ring");
    if (!region)
        return region.error();
    ring_ = std::move(region.value());

    if (o.promiscuous) {
        packet_mreq mr{};
        mr.mr_ifindex = static_cast<int>(ifindex_);
        mr.mr_type = PACKET_MR_PROMISC;
        if (auto st = set_option(fd_.get(), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr),
                                 fmt::format("enable promiscuous mode on {}", interface_));
            !st)
            return st;
    }

    if (o.interface_counters)
        link_ = LinkBaseline::take(ifindex_);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = static_cast<int>(ifindex_);
    if (::bind(fd_.get(), reinterpret_cast<sockaddr *>(&sll), sizeof(sll)) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("bind AF_PACKET socket to {}", interface_));
    }
    return {};
}

Status PacketRxRing::attach_final_filter()
{
    // The kernel runs the expression unless it tests VLAN tags, which it has
    // already stripped; then it runs a keep-all program (for the snap length)
    // and the expression runs here after the tag is back.
    if (filter_ != nullptr && !filter_->needs_user_space())
        return attach_filter(fd_.get(), filter_->program(), interface_);
    auto all = Filter::compile("", snaplen_);
    if (!all)
        return all.error();
    return attach_filter(fd_.get(), all->program(), interface_);
}

Result<std::uint16_t> PacketRxRing::join_fanout(std::uint16_t group_id, std::uint16_t type_flags)
{
    const int arg = static_cast<int>(std::uint32_t{group_id} | std::uint32_t{type_flags} << 16);
    if (::setsockopt(fd_.get(), SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("join PACKET_FANOUT group {} on {}", group_id, interface_));
    }
    // Reads back id | type << 16 | flags << 24; with UNIQUEID only this says
    // which id the kernel picked.
    int got = 0;
    socklen_t len = sizeof(got);
    if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_FANOUT, &got, &len) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("read back PACKET_FANOUT on {}", interface_));
    }
    fanout_group_ = static_cast<std::uint16_t>(static_cast<std::uint32_t>(got) & 0xffff);
    return *fanout_group_;
}

std::uint8_t *PacketRxRing::ready_block()
{
    // Still on loan, so still TP_STATUS_USER: the kernel cannot have filled
    // it again, nor any block after it.
    if (lent_[next_block_])
        return nullptr;
    std::uint8_t *block = ring_.data() + next_block_ * block_size_;
    auto *desc = reinterpret_cast<tpacket_block_desc *>(block);
    // Acquire: the frames the kernel wrote before handing the block over
    // are visible once we see TP_STATUS_USER.
    const std::uint32_t status = __atomic_load_n(&desc->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
    return (status & TP_STATUS_USER) != 0 ? block : nullptr;
}

std::uint64_t PacketRxRing::unreported_drops(const std::uint8_t *block)
{
    // TP_STATUS_LOSING: the ring dropped frames since the statistics were
    // last read. Drops that counters() collected meanwhile count too (its
    // read cleared the kernel's count, so no block says LOSING for them).
    const auto *desc = reinterpret_cast<const tpacket_block_desc *>(block);
    if ((desc->hdr.bh1.block_status & TP_STATUS_LOSING) != 0) {
        if (auto st = read_statistics(); !st)
            spdlog::debug("{}: {}", interface_, st.error().message());
    }
    const std::uint64_t drops = totals_.dropped - drops_attributed_;
    drops_attributed_ = totals_.dropped;
    return drops;
}

// Inlined in both of its per-frame loops (left to itself, GCC calls it from
// LentBlock::next).
[[gnu::always_inline]] inline bool PacketRxRing::to_frame(const tpacket3_hdr &hdr, std::uint8_t *mac, Frame &f) const
{
    const sockaddr_ll &sll = frame_address(hdr);
    if (direction_ == DirectionFilter::out && sll.sll_pkttype != PACKET_OUTGOING)
        return false;
    f.data = mac;
    f.caplen = hdr.tp_snaplen;
    f.wirelen = hdr.tp_len;
    if (hdr.hv1.tp_vlan_tci != 0 || (hdr.tp_status & TP_STATUS_VLAN_VALID) != 0) {
        const std::uint16_t tpid =
            (hdr.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? hdr.hv1.tp_vlan_tpid : tpid_8021q;
        const std::uint8_t *start = insert_vlan_tag(mac, f.caplen, tpid, hdr.hv1.tp_vlan_tci);
        if (start != mac) {
            f.data = start;
            f.caplen = std::min(f.caplen + vlan_tag_len, snaplen_);
            f.wirelen += vlan_tag_len;
        }
    }
    if (user_filter_ != nullptr && !user_filter_->matches(f.data, f.caplen, f.wirelen))
        return false;
    f.ts_ns = std::uint64_t{hdr.tp_sec} * 1'000'000'000ULL + hdr.tp_nsec;
    f.interface = interface_id_;
    f.direction = sll.sll_pkttype == PACKET_OUTGOING ? Direction::outbound : Direction::inbound;
    f.reception = reception_of(sll.sll_pkttype);
    if (want_hash_) {
        f.hash = hdr.hv1.tp_rxhash;
        f.has_hash = true;
    }
    return true;
}

std::size_t PacketRxRing::drain(const FrameHandler &handler, bool &stopped)
{
    std::size_t handled = 0;
    for (std::size_t n = 0; n < block_count_ && !stopped; ++n) {
        std::uint8_t *block = ready_block();
        if (block == nullptr)
            break;
        std::uint64_t drops = unreported_drops(block);
        BlockWalker walker(block, block_size_);
        std::uint8_t *mac = nullptr;
        while (!stopped) {
            const tpacket3_hdr *hdr = walker.next(mac);
            if (hdr == nullptr)
                break;
            Frame f;
            if (!to_frame(*hdr, mac, f)) {
                ++user_rejected_;
                continue;
            }
            f.drops_before = std::exchange(drops, 0);
            ++handled;
            if (!handler(f))
                stopped = true;
        }
        if (walker.malformed())
            spdlog::error("{}: malformed ring block {} skipped", interface_, next_block_);
        // No frame of this block was handed over: the next one carries them.
        drops_attributed_ -= drops;
        release_block(next_block_);
        next_block_ = (next_block_ + 1) % block_count_;
    }
    return handled;
}

void PacketRxRing::LentBlock::start(std::uint8_t *block, std::uint64_t drops)
{
    const auto *desc = reinterpret_cast<const tpacket_block_desc *>(block);
    walker_ = BlockWalker(block, ring_->block_size_);
    drops_ = drops;
    // Each frame's bytes, a VLAN tag put back included, lie within the block.
    bytes_ = std::min<std::size_t>(desc->hdr.bh1.blk_len, ring_->block_size_);
    frames_ = desc->hdr.bh1.num_pkts;
}

std::size_t PacketRxRing::LentBlock::read(Frame *out, std::size_t room)
{
    // A local walker: the compiler keeps it in registers across the stores
    // to out.
    BlockWalker walker = walker_;
    std::size_t n = 0;
    std::uint64_t rejected = 0;
    std::uint8_t *mac = nullptr;
    if (ring_->lent_drops_carried_ != 0) [[unlikely]]
        drops_ += std::exchange(ring_->lent_drops_carried_, 0);
    while (n < room) {
        const tpacket3_hdr *hdr = walker.next(mac);
        if (hdr == nullptr) {
            // No frame took them (all were filtered out): a later lent
            // block's frame reports them, as drain() does with the next block.
            ring_->lent_drops_carried_ += std::exchange(drops_, 0);
            break;
        }
        // A lent block is read later than a drained one, and beside another
        // ring's: its headers miss the cache about twice as often. Frames
        // lie in order, so the lines 1 KiB on are the ones soon read (with 2
        // threads, lower in 5 of 5 alternating runs, by 2-6%; for the drain
        // it gained nothing). Past the ring's end a prefetch never faults.
        __builtin_prefetch(reinterpret_cast<const std::uint8_t *>(hdr) + 1024);
        __builtin_prefetch(reinterpret_cast<const std::uint8_t *>(hdr) + 1088);
        Frame &f = out[n];
        f = Frame{};
        if (!ring_->to_frame(*hdr, mac, f)) {
            ++rejected;
            continue;
        }
        f.drops_before = std::exchange(drops_, 0);
        ++n;
    }
    if (rejected != 0) {
        // Only the holder counts these: a plain store, read by counters().
        auto &count = ring_->lent_rejected_;
        count.store(count.load(std::memory_order_relaxed) + rejected, std::memory_order_relaxed);
    }
    if (n < room && walker.malformed() && !walker_.malformed())
        spdlog::error("{}: malformed ring block skipped", ring_->interface_);
    walker_ = walker;
    return n;
}

std::size_t PacketRxRing::lend_ready(const LendHandler &lend)
{
    std::size_t frames = 0;
    for (std::size_t n = 0; n < block_count_; ++n) {
        std::uint8_t *block = ready_block();
        if (block == nullptr)
            break;
        const std::size_t index = next_block_;
        LentBlock &lent = lent_blocks_[index];
        lent.start(block, unreported_drops(block));
        frames += lent.max_frames();
        lent_[index] = true;
        next_block_ = (next_block_ + 1) % block_count_;
        lend(static_cast<std::uint32_t>(index), lent);
    }
    return frames;
}

void PacketRxRing::release_block(std::size_t index)
{
    auto *desc = reinterpret_cast<tpacket_block_desc *>(ring_.data() + index * block_size_);
    // Release: every read of the block's frames (by whichever thread had
    // them on loan, and handed them back through an acquire/release pair)
    // is done before the kernel may overwrite it.
    __atomic_store_n(&desc->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}

void PacketRxRing::give_back(std::uint32_t loan)
{
    if (loan >= block_count_ || !lent_[loan]) {
        spdlog::error("{}: ring block {} given back but not on loan", interface_, loan);
        return;
    }
    lent_[loan] = false;
    release_block(loan);
}

Result<std::size_t> PacketRxRing::poll(int timeout_ms, const FrameHandler &handler)
{
    return wait_then(timeout_ms, [&](bool &stopped) { return drain(handler, stopped); });
}

Result<std::size_t> PacketRxRing::poll_lending(int timeout_ms, const LendHandler &lend)
{
    return wait_then(timeout_ms, [&](bool &) { return lend_ready(lend); });
}

template <typename Take>
Result<std::size_t> PacketRxRing::wait_then(int timeout_ms, Take &&take)
{
    bool stopped = false;
    std::size_t handled = take(stopped);
    if (handled != 0 || stopped || waiting_for_loans())
        return handled;
    pollfd pfd{fd_.get(), POLLIN | POLLERR, 0};
    const int rc = ::poll(&pfd, 1, timeout_ms);
    if (rc < 0) {
        const int err = errno;
        if (err == EINTR)
            return std::size_t{0};
        return Error::sys(err, fmt::format("poll AF_PACKET socket on {}", interface_));
    }
    if ((pfd.revents & POLLERR) != 0) {
        // Frames the kernel finished before the error are still ours.
        handled = take(stopped);
        if (handled != 0)
            return handled;
        if (auto st = socket_error(); !st)
            return st.error();
    }
    return take(stopped);
}

Status PacketRxRing::socket_error()
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err == 0)
        return {};
    if (err == ENETDOWN || err == ENODEV || err == ENXIO) {
        if (auto lost = link_lost(interface_, ifindex_); !lost)
            return lost;
        return Error::explained(ENETDOWN, fmt::format("interface {} went down", interface_));
    }
    return Error::sys(err, fmt::format("AF_PACKET socket on {}", interface_));
}

Status PacketRxRing::read_statistics()
{
    tpacket_stats_v3 st{};
    socklen_t len = sizeof(st);
    if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("read PACKET_STATISTICS on {}", interface_));
    }
    // Zeroed by the kernel on each read: keep 64-bit totals here.
    totals_.received += st.tp_packets;  // includes tp_drops
    totals_.dropped += st.tp_drops;
    return {};
}

Result<SourceCounters> PacketRxRing::counters()
{
    if (auto st = read_statistics(); !st)
        return st.error();
    SourceCounters out = totals_;
    const std::uint64_t rejected = user_rejected_ + lent_rejected_.load(std::memory_order_relaxed);
    out.received = totals_.received >= rejected ? totals_.received - rejected : 0;
    if (auto link = link_.since()) {
        out.if_received = link->received;
        out.if_dropped = link->dropped;
    }
    return out;
}

}  // namespace netring::afpacket
