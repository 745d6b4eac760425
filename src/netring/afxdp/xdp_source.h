// SPDX-License-Identifier: GPL-2.0-or-later
// XdpCaptureSource: captures one interface queue with an AF_XDP socket (CaptureSource).
//
//   XdpCaptureOptions opt;
//   opt.interface = "eth0";
//   opt.queue = 0;
//   auto src = XdpCaptureSource::open(opt);   // loads + attaches the XDP program
//   src.value()->poll(100, [](const Frame &f) { ...; return true; });
//
// While it is open, frames on that queue go to netring instead of the kernel
// stack (other queues are untouched; frames arriving before the socket is in
// the map pass to the stack).
//
// Several queues: open_queues() gives one source per queue, sharing one UMEM,
// one XDP program and XSKMAP; each source may be polled from its own thread
// (but one source's poll() and counters() must not run concurrently).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "netring/afxdp/rx_metadata.h"
#include "netring/afxdp/xdp_program.h"
#include "netring/afxdp/xsk_socket.h"
#include "netring/base/link_stats.h"
#include "netring/base/unique_fd.h"
#include "netring/capture/filter.h"
#include "netring/capture/source.h"

namespace netring::xdp {

struct XdpCaptureOptions {
    std::string interface;
    std::uint32_t queue = 0;
    std::uint32_t snaplen = 262144;  // caplen is trimmed to this; 0: no limit
    bool zero_copy = false;          // try zero-copy, fall back to copy (logged)
    XdpMode mode = XdpMode::automatic;
    std::string xsk_map_path;         // non-empty: join this pinned XSKMAP and load nothing
    // Each queue's UMEM, as AF_PACKET's default ring: its frames wait in the
    // Fill ring, and the RX ring has a slot for every one of them.
    std::uint64_t umem_bytes = std::uint64_t{32} << 20;
    // 2048 or 4096: the largest frame in one chunk is this minus 272 (the
    // kernel's 256 bytes of headroom and our 16). 0: 2048 when the
    // interface's MTU fits, which holds twice the frames in the same memory.
    std::uint32_t chunk_size = 0;
    bool hugepages = false;
    bool need_wakeup = true;
    BusyPoll busy_poll;
    std::uint32_t batch = 256;  // frames handed over per poll() at most
    // How long frames gather after a wake-up on an empty RX ring; 0: 100 us
    // per queue captured, at most 400 (see poll()).
    std::uint32_t coalesce_us = 0;
    bool promiscuous = true;    // held by a packet-socket membership: reverts when we exit
    // Matched in user space (pcap_offline_filter) on the whole frame; XDP has
    // no socket filter. Must outlive the source. nullptr: keep every frame.
    const Filter *filter = nullptr;
};

class XdpCaptureSource final : public CaptureSource {
public:
    // options.queue alone. EEXIST: the interface has another XDP program.
    static Result<std::unique_ptr<XdpCaptureSource>> open(const XdpCaptureOptions &options);
    // One socket per queue (options.queue is ignored), all sharing one UMEM
    // (XDP_SHARED_UMEM: each socket its own Fill and Completion ring and its
    // own umem_bytes of frames) and one XDP program whose XSKMAP sends queue
    // i's frames to socket i. Sources come back in the order of `queues`,
    // which must exist on the interface and be distinct.
    static Result<std::vector<std::unique_ptr<XdpCaptureSource>>> open_queues(const XdpCaptureOptions &options,
                                                                               std::span<const std::uint32_t> queues);
    ~XdpCaptureSource() override = default;

    // Frame::drops_before: the rise of dropped (see counters()) goes on the
    // next frame handed over; the statistics are read at most once a
    // millisecond while frames come, so it lands within about that much.
    Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) override;
    // received = frames that passed the filter + dropped; dropped =
    // XDP_STATISTICS rx_dropped + rx_ring_full + rx_invalid_descs (frames the
    // filter never saw); interface counters since open().
    Result<SourceCounters> counters() override;
    // Frames in the RX ring are ready at once: one more look is enough.
    [[nodiscard]] int settle_ms() const override { return 1; }

    Result<XdpStatistics> statistics() const { return socket_->statistics(); }
    [[nodiscard]] std::uint32_t queue() const { return options_.queue; }
    [[nodiscard]] bool zero_copy() const { return socket_->zero_copy(); }
    [[nodiscard]] XdpMode mode() const { return program_->mode(); }
    // Whether every frame so far carried the XDP program's kernel timestamp
    // (false once one did not, and for a user's program that writes none).
    [[nodiscard]] bool kernel_timestamps() const { return !fallback_warned_ && program_->stamp_clock() != 0; }
    // For the pcapng IDB's if_description: backend, mode and timestamp source.
    [[nodiscard]] std::string description() const;

private:
    XdpCaptureSource() = default;
    // The kernel timestamp in a frame's RxMeta (`meta`, empty without one), or
    // the time now when the program left none.
    std::uint64_t timestamp(std::span<std::uint8_t> meta);
    RxBatch nap_and_receive();
    // The one XDP_STATISTICS reader for drops: moves their rise since the
    // last read into pending_drops_ and returns the total.
    Result<std::uint64_t> read_drops();

    // Member order is teardown order, last first: the program detaches (frames
    // flow to the stack again) before the socket and its UMEM go away. With
    // several queues the last source to go detaches it; an earlier one's
    // socket leaves the XSKMAP as it closes, and its queue's frames pass to
    // the stack (the program's redirect falls back to XDP_PASS).
    std::unique_ptr<XskSocket> socket_;
    std::shared_ptr<XdpProgram> program_;
    std::shared_ptr<UniqueFd> promiscuous_;  // PACKET_MR_PROMISC membership; the kernel drops it with the fd

    XdpCaptureOptions options_;
    std::uint64_t mac_key_ = 0;  // the interface's MAC address, as reception_of() compares it
    unsigned ifindex_ = 0;
    KernelClock clock_;
    LinkBaseline link_;
    bool fallback_warned_ = false;
    std::uint64_t accepted_ = 0;  // passed the filter
    std::uint64_t drops_seen_ = 0;     // dropped at the last read_drops()
    std::uint64_t pending_drops_ = 0;  // for the next frame's drops_before
    std::uint64_t next_stats_ns_ = 0;  // monotonic: poll() reads statistics again from then on
    bool recently_busy_ = false;       // the last poll() found frames
    std::uint32_t ring_size_ = 0;      // RX ring slots, from umem_bytes and the chunk size
    std::vector<std::uint8_t> split_;  // the pieces so far of a frame longer than a chunk
    std::uint64_t split_ts_ns_ = 0;    // its first piece's timestamp
    std::uint32_t nap_us_ = 100;       // how long frames gather after a wake-up (nap_and_receive)
    std::uint32_t nap_cap_us_ = 4000;  // the longest nap
    // Frames carry epb_queue only when a file holds several queues: with one,
    // the IDB's description names it, and 8 bytes a frame say nothing more.
    std::uint32_t frame_queue_ = Frame::no_queue;
};

}  // namespace netring::xdp
