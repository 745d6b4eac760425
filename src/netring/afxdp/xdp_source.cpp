// SPDX-License-Identifier: GPL-2.0-or-later
// AF_XDP capture: program + socket setup, RX batches to Frames, counters.
#include "netring/afxdp/xdp_source.h"

#include <ctime>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "netring/afxdp/abi.h"
#include "netring/base/clock.h"
#include "netring/base/interface.h"
#include "netring/base/queues.h"

namespace netring::xdp {

namespace {

// The kernel puts a received frame packet_headroom (256) bytes plus the
// UMEM's headroom into its chunk, and our program's RxMeta just before it.
// With the headroom at sizeof(RxMeta) the metadata and the first 112 bytes of
// the frame share a 128-byte-aligned pair of cache lines, which the CPU
// fetches as one; with none, they straddle two pairs. Measured against no
// headroom, alternating: less CPU per frame in 17 of 23 runs, by about 10%
// in the median, within this VM's run-to-run noise of 10-40%.
constexpr std::uint32_t rx_headroom = sizeof(RxMeta);
constexpr std::uint32_t frame_offset = packet_headroom + rx_headroom;

// AF_XDP reports no packet type; the destination MAC tells the same story.
// Six bytes as one integer: a memcmp call per frame shows in profiles.
std::uint64_t mac_key(const std::uint8_t *p)
{
    std::uint32_t head = 0;
    std::uint16_t tail = 0;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + 4, 2);
    return head | std::uint64_t{tail} << 32;
}

// own_mac: the interface's address as mac_key() gives it.
Reception reception_of(std::span<const std::uint8_t> frame, std::uint64_t own_mac)
{
    if (frame.size() < 6)
        return Reception::unspecified;
    const std::uint64_t dst = mac_key(frame.data());
    if (dst == 0xffff'ffff'ffffULL)
        return Reception::broadcast;
    if ((frame[0] & 1) != 0)
        return Reception::multicast;
    if (dst == own_mac)
        return Reception::unicast;
    return Reception::promiscuous;
}

// A packet socket with protocol 0 receives nothing; its only job is the
// promiscuous membership, which the kernel removes when the fd closes, however
// the process ends (unlike IFF_PROMISC set by ioctl).
Result<UniqueFd> hold_promiscuous(unsigned ifindex, const std::string &ifname)
{
    UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, "open packet socket for promiscuous mode").needing(Privilege::raw_socket);
    }
    packet_mreq mr{};
    mr.mr_ifindex = static_cast<int>(ifindex);
    mr.mr_type = PACKET_MR_PROMISC;
    if (::setsockopt(fd.get(), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("put {} in promiscuous mode", ifname));
    }
    return fd;
}

}  // namespace

Result<std::unique_ptr<XdpCaptureSource>> XdpCaptureSource::open(const XdpCaptureOptions &options)
{
    const std::uint32_t queue = options.queue;
    auto sources = open_queues(options, std::span(&queue, 1));
    if (!sources)
        return sources.error();
    return std::move(sources.value().front());
}

Result<std::vector<std::unique_ptr<XdpCaptureSource>>> XdpCaptureSource::open_queues(
    const XdpCaptureOptions &options, std::span<const std::uint32_t> queues)
{
    auto info = usable_interface(options.interface);
    if (!info)
        return info.error();
    if (auto st = require_ethernet(*info, LinkUse::capture); !st)
        return st.error();
    if (queues.empty())
        return Error::sys(EINVAL, fmt::format("no queue of {} to capture", options.interface));
    std::vector<std::uint32_t> sorted(queues.begin(), queues.end());
    std::sort(sorted.begin(), sorted.end());
    if (const auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
        return Error::sys(EINVAL, fmt::format("queue {} of {} is listed twice", *dup, options.interface));
    const std::uint32_t highest = sorted.back();
    // A queue the interface lacks is the command line's mistake (exit 2),
    // said before bind() can only answer EINVAL.
    if (const std::uint32_t rx = interface_queues(options.interface).rx; rx != 0 && highest >= rx)
        return Error::invalid(EINVAL, missing_queue(options.interface, "RX", rx, highest));
    // Chunks that hold a whole frame after the headroom (18: Ethernet header,
    // FCS room and one VLAN tag): 2048 bytes for an Ethernet MTU, twice the
    // frames of 4096 in the same memory. Longer frames come in pieces
    // (multi-buffer, below) or not at all.
    const std::uint32_t chunk_size =
        options.chunk_size != 0 ? options.chunk_size : info->mtu + 18 <= 2048 - frame_offset ? 2048 : 4096;
    // An RX slot for every chunk: the ring can then hold every frame the
    // UMEM can, where half the chunks waiting in the Fill ring while the RX
    // ring was full would hold nothing. At least 64, whatever the buffer.
    const std::uint64_t slots = std::max<std::uint64_t>(64, options.umem_bytes / chunk_size);
    if (slots > (1U << 24))
        return Error::sys(EINVAL, fmt::format("AF_XDP buffer of {} MiB per queue (at most {} MiB with {}-byte frames)",
                                              options.umem_bytes >> 20, (std::uint64_t{1} << 24) * chunk_size >> 20,
                                              chunk_size));
    const auto ring_size = static_cast<std::uint32_t>(std::bit_floor(slots));
    const std::uint32_t frames_per_queue = ring_size;
    const std::uint64_t frames = std::uint64_t{frames_per_queue} * queues.size();
    if (frames > (1ULL << 31))
        return Error::sys(EINVAL, fmt::format("AF_XDP ring size {} on {} queues needs a UMEM of {} frames",
                                              ring_size, queues.size(), frames));

    // The program first: a clash with another XDP program is the likeliest
    // failure, and it is reported before any memory is set up.
    auto program = std::make_shared<XdpProgram>();
    if (options.xsk_map_path.empty()) {
        XdpAttachOptions attach;
        attach.mode = options.mode;
        attach.map_entries = std::max<std::uint32_t>(64, highest + 1);
        auto prog = XdpProgram::attach(options.interface, info->index, attach);
        if (!prog)
            return prog.error();
        *program = std::move(prog.value());
    } else {
        auto prog = XdpProgram::use_pinned_map(options.xsk_map_path);
        if (!prog)
            return prog.error();
        *program = std::move(prog.value());
    }

    // One UMEM, each socket owning its own slice: the first socket registers
    // it, the others bind with XDP_SHARED_UMEM.
    UmemConfig config;
    config.frame_count = static_cast<std::uint32_t>(frames);
    config.chunk_size = chunk_size;
    config.hugepages = options.hugepages;
    config.headroom = rx_headroom;
    auto umem = Umem::create(config);
    if (!umem)
        return umem.error();

    std::vector<std::unique_ptr<XdpCaptureSource>> sources;
    sources.reserve(queues.size());
    for (const std::uint32_t queue : queues) {
        std::unique_ptr<XdpCaptureSource> src(new XdpCaptureSource());
        src->options_ = options;
        src->options_.queue = queue;
        if (options.coalesce_us == 0)
            src->options_.coalesce_us = static_cast<std::uint32_t>(std::min<std::size_t>(100 * queues.size(), 400));
        src->nap_us_ = src->options_.coalesce_us;
        src->ring_size_ = ring_size;
        // Queues share the interface's traffic: each may nap longer for as many frames.
        src->nap_cap_us_ = static_cast<std::uint32_t>(std::min<std::size_t>(4000 * queues.size(), 16000));
        src->frame_queue_ = queues.size() > 1 ? queue : Frame::no_queue;
        src->mac_key_ = mac_key(info->mac.data());
        src->ifindex_ = info->index;
        src->program_ = program;
        auto socket = XskSocketBuilder()
                          .interface(options.interface)
                          .queue(queue)
                          .umem(umem.value())
                          .frames(frames_per_queue)
                          .rx_ring(ring_size)
                          .fill_ring(frames_per_queue)
                          .completion_ring(64)  // no TX, but the kernel wants one
                          .copy_mode(options.zero_copy ? CopyMode::prefer_zero_copy : CopyMode::copy)
                          .need_wakeup(options.need_wakeup)
                          .multi_buffer(true)
                          .busy_poll(options.busy_poll)
                          .build();
        if (!socket)
            return socket.error();
        src->socket_ = std::move(socket.value());
        src->socket_->refill();
        if (auto st = program->insert(queue, src->socket_->fd()); !st)
            return st.error();
        sources.push_back(std::move(src));
    }

    if (options.promiscuous) {
        auto promisc = hold_promiscuous(info->index, options.interface);
        if (!promisc)
            return promisc.error();
        const auto held = std::make_shared<UniqueFd>(std::move(promisc.value()));
        for (auto &src : sources)
            src->promiscuous_ = held;
    }
    // Read by the first queue's source only: the interface's counters are
    // reported once (MergedSource takes the first source's).
    sources.front()->link_ = LinkBaseline::take(info->index);
    // Without multi-buffer a frame must fit in one chunk after the
    // headroom; longer ones are dropped and counted (rx_dropped).
    // With it, a program that is not multi-buffer aware (a user's, or ours on
    // an old kernel) still gets no frame longer than a page in native mode.
    const std::uint32_t longest = chunk_size - frame_offset;
    const bool split = sources.front()->socket_->multi_buffer() && (program->has_frags() || !program->ours());
    if (info->mtu + 18 > longest && !split)
        spdlog::warn("{}: MTU {} allows frames longer than the {} bytes AF_XDP can capture here (this kernel or "
                     "XDP program cannot split them over several chunks); longer frames are dropped and counted as "
                     "dropped",
                     options.interface, info->mtu, longest);
    spdlog::warn("{} queue{} {}: while netring captures {} with AF_XDP, frames received on {} go to netring and do "
                 "not reach the kernel stack",
                 options.interface, queues.size() == 1 ? "" : "s", fmt::join(queues, ","),
                 queues.size() == 1 ? "it" : "them", queues.size() == 1 ? "this queue" : "these queues");
    spdlog::info("AF_XDP: {}, {} mode; capturing received frames only", program->describe(),
                 sources.front()->socket_->zero_copy() ? "zero-copy" : "copy");
    return sources;
}

std::uint64_t XdpCaptureSource::timestamp(std::span<std::uint8_t> meta)
{
    if (meta.size() == sizeof(RxMeta)) {
        RxMeta m;
        std::memcpy(&m, meta.data(), sizeof(m));
        if (m.magic == rx_meta_magic) {
            // Cleared so that a later frame in this chunk without metadata
            // cannot pass this one's off as its own.
            std::memset(meta.data() + offsetof(RxMeta, magic), 0, sizeof(m.magic));
            if (const std::uint64_t ts = clock_.to_realtime(m.rx_ns, m.clock); ts != 0)
                return ts;
        }
    }
    if (!fallback_warned_) {
        fallback_warned_ = true;
        spdlog::warn("AF_XDP: {}: frames arrive without the XDP program's kernel timestamp ({}); timestamping them "
                     "in user space when read instead",
                     options_.interface,
                     program_->ours() ? fmt::format("{} mode drops XDP metadata", to_string(program_->mode()))
                                     : std::string("the XSKMAP belongs to another program"));
    }
    return realtime_ns();
}

RxBatch XdpCaptureSource::nap_and_receive()
{
    const timespec nap{0, static_cast<long>(nap_us_) * 1000};
    ::nanosleep(&nap, nullptr);
    // Everything that came, not just options_.batch: its count steers the
    // next nap so that one fills an eighth to a quarter of the ring, which
    // leaves room for a burst of four times the rate. A wake-up costs about
    // as much as a hundred frames (measured: 17 us of CPU under a
    // hypervisor), so the nap is long, but at most 4 ms times the queues
    // captured (16 ms at most): traffic that jumps from a trickle to 4 Mpps
    // within one nap, spread over the queues, still fits the default
    // 16384-slot rings. (2 ms woke twice as often at 0.5 Mpps: 1,350
    // wake-ups for 2M frames instead of 600, 0.087 against 0.076 us/frame.)
    // It drops to the least at once when the ring was half full.
    RxBatch batch = socket_->receive(ring_size_);
    const std::uint32_t got = batch.size();
    const std::uint32_t least = options_.coalesce_us;
    if (got >= ring_size_ / 2)
        nap_us_ = least;
    else if (got > ring_size_ / 4)
        nap_us_ = std::max(least, nap_us_ / 2);
    else if (got < ring_size_ / 8)
        nap_us_ = std::min(std::max(least, nap_cap_us_), nap_us_ * 2);
    return batch;
}

Result<std::size_t> XdpCaptureSource::poll(int timeout_ms, const FrameHandler &handler)
{
    RxBatch batch = socket_->receive(options_.batch);
    // The ring was empty, so frames are arriving slower than we drain them:
    // let some accumulate before taking them, instead of waking up for each
    // one (measured: 19x AF_PACKET's CPU per frame without this, under 3x
    // with it). 100 us at 10G line rate (14.9 Mpps) is 1,490 frames, well
    // inside the default 16,384-slot RX ring; when frames come faster than we
    // drain, the ring is never empty and this never runs. With N queues the
    // interface's traffic is shared N ways, so each waits N times longer for
    // as many frames (up to 400 us: 1,490 frames per queue at line rate over
    // 4 queues). From there the nap follows the rate (nap_and_receive).
    if (batch.empty() && recently_busy_) {
        // Frames came on the last call: nap, without poll() first. One
        // context switch per batch instead of two (poll's, then the nap's),
        // which is most of what a batch costs.
        batch = nap_and_receive();
    }
    if (batch.empty()) {
        recently_busy_ = false;
        socket_->wake_rx_if_needed();
        auto ready = socket_->wait_readable(timeout_ms);
        if (!ready)
            return ready.error();
        if (!ready.value()) {
            // An AF_XDP socket hears of its device going away, not of its
            // link going down (AF_PACKET's does): look while idle.
            if (auto lost = link_lost(options_.interface, ifindex_); !lost)
                return lost.error();
            return std::size_t{0};
        }
        batch = nap_and_receive();
        if (batch.empty())
            return std::size_t{0};
    }
    recently_busy_ = true;
    clock_.sample();
    // A getsockopt per batch would cost more than the batch at low rates;
    // drops need not be placed closer than this.
    if (const std::uint64_t now = monotonic_ns(); now >= next_stats_ns_) {
        next_stats_ns_ = now + 1'000'000;
        if (auto st = read_drops(); !st)
            spdlog::debug("AF_XDP {} queue {}: {}", options_.interface, options_.queue, st.error().message());
    }

    std::size_t handed = 0;
    std::uint32_t used = 0;
    const std::uint32_t n = batch.size();
    // Each frame lies in its own chunk, just written by the CPU that received
    // it: a cache miss per frame that no hardware prefetcher foresees (unlike
    // a TPACKET_V3 block, read in one stream). Ask for frames a dozen ahead,
    // two lines each: the transfers from the other CPU overlap (lower than 4
    // ahead in 6 of 6 alternating runs, by about 2%).
    constexpr std::uint32_t ahead = 12;
    for (std::uint32_t k = 0; k < ahead && k < n; ++k)
        batch.prefetch(k, sizeof(RxMeta));
    while (used < n) {
        const std::size_t i = used++;
        if (i + ahead < n)
            batch.prefetch(i + ahead, sizeof(RxMeta));
        std::span<std::uint8_t> meta;
        auto bytes = batch.frame(i, sizeof(RxMeta), meta);
        if (bytes.empty()) {
            // A descriptor outside our frames: recycle() counts and logs it,
            // and a frame it was part of is lost.
            split_.clear();
            continue;
        }
        std::uint64_t ts = 0;
        const bool more_pieces = (batch.desc(i)->options & desc_pkt_contd) != 0;
        if (more_pieces || !split_.empty()) [[unlikely]] {
            // A frame longer than a chunk (XDP_USE_SG): its pieces come in
            // order, every one but the last marked XDP_PKT_CONTD, maybe across
            // two polls. Only the first piece has the metadata.
            if (split_.empty())
                split_ts_ns_ = timestamp(meta);
            split_.insert(split_.end(), bytes.begin(), bytes.end());
            if (more_pieces)
                continue;
            bytes = split_;
            ts = split_ts_ns_;
        } else {
            ts = timestamp(meta);
        }
        Frame f;
        f.data = bytes.data();
        f.wirelen = static_cast<std::uint32_t>(bytes.size());
        f.caplen = options_.snaplen == 0 ? f.wirelen : std::min(f.wirelen, options_.snaplen);
        f.ts_ns = ts;
        f.direction = Direction::inbound;
        f.reception = reception_of(bytes, mac_key_);
        f.queue = frame_queue_;
        if (options_.filter != nullptr && !options_.filter->accepts_all() &&
            !options_.filter->matches(f.data, f.wirelen, f.wirelen)) {
            split_.clear();
            continue;
        }
        f.drops_before = std::exchange(pending_drops_, 0);
        ++accepted_;
        ++handed;
        const bool more = handler(f);
        split_.clear();
        if (!more)
            break;  // the rest stay in the RX ring for the next poll
    }
    socket_->recycle(std::move(batch), used);
    socket_->wake_rx_if_needed();
    return handed;
}

Result<std::uint64_t> XdpCaptureSource::read_drops()
{
    auto stats = socket_->statistics();
    if (!stats)
        return stats.error();
    const std::uint64_t dropped = stats->rx_dropped + stats->rx_ring_full + stats->rx_invalid_descs;
    if (dropped > drops_seen_) {
        pending_drops_ += dropped - drops_seen_;
        drops_seen_ = dropped;
    }
    return drops_seen_;
}

Result<SourceCounters> XdpCaptureSource::counters()
{
    // Through read_drops(), so that the drops counted here also reach a
    // frame's drops_before: the two always add up to the same total.
    auto dropped = read_drops();
    if (!dropped)
        return dropped.error();
    SourceCounters c;
    c.dropped = dropped.value();
    c.received = accepted_ + c.dropped;
    if (auto link = link_.since()) {
        c.if_received = link->received;
        c.if_dropped = link->dropped;
    }
    return c;
}

std::string XdpCaptureSource::description() const
{
    std::string ts;
    if (program_->stamp_clock() == 0)
        ts = "user space at read (the XDP program is not netring's)";
    else if (fallback_warned_)
        ts = "user space at read (XDP metadata did not reach the socket)";
    else
        ts = fmt::format("kernel, in the XDP program ({})",
                         program_->stamp_clock() == CLOCK_TAI ? "bpf_ktime_get_tai_ns" : "bpf_ktime_get_ns");
    return fmt::format("AF_XDP queue {}, {}, {} mode; timestamps: {}", options_.queue, program_->describe(),
                       socket_->zero_copy() ? "zero-copy" : "copy", ts);
}

}  // namespace netring::xdp
