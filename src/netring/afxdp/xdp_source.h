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
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

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
    std::uint32_t ring_size = 4096;   // RX ring (32 MiB of UMEM, as AF_PACKET's default ring); Fill ring and UMEM frames are twice this
    std::uint32_t chunk_size = 4096;  // 2048 or 4096: the largest frame is this minus 256
    bool hugepages = false;
    bool need_wakeup = true;
    BusyPoll busy_poll;
    std::uint32_t batch = 256;  // frames handed over per poll() at most
    bool promiscuous = true;    // held by a packet-socket membership: reverts when we exit
    // Matched in user space (pcap_offline_filter) on the whole frame; XDP has
    // no socket filter. Must outlive the source. nullptr: keep every frame.
    const Filter *filter = nullptr;
};

class XdpCaptureSource final : public CaptureSource {
public:
    static Result<std::unique_ptr<XdpCaptureSource>> open(const XdpCaptureOptions &options);
    ~XdpCaptureSource() override = default;

    Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) override;
    // received = frames that passed the filter + dropped; dropped =
    // XDP_STATISTICS rx_dropped + rx_ring_full + rx_invalid_descs (frames the
    // filter never saw); interface counters since open().
    Result<SourceCounters> counters() override;

    Result<XdpStatistics> statistics() const { return socket_->statistics(); }
    [[nodiscard]] bool zero_copy() const { return socket_->zero_copy(); }
    [[nodiscard]] XdpMode mode() const { return program_.mode(); }
    // Whether every frame so far carried the XDP program's kernel timestamp
    // (false once one did not, and for a user's program that writes none).
    [[nodiscard]] bool kernel_timestamps() const { return !fallback_warned_ && program_.stamp_clock() != 0; }
    // For the pcapng IDB's if_description: backend, mode and timestamp source.
    [[nodiscard]] std::string description() const;

private:
    XdpCaptureSource() = default;
    std::uint64_t timestamp(const RxBatch &batch, std::size_t i);

    // Member order is teardown order, last first: the program detaches (frames
    // flow to the stack again) before the socket and its UMEM go away.
    std::unique_ptr<XskSocket> socket_;
    XdpProgram program_;
    UniqueFd promiscuous_;  // PACKET_MR_PROMISC membership; the kernel drops it with the fd

    XdpCaptureOptions options_;
    std::array<std::uint8_t, 6> mac_{};
    KernelClock clock_;
    LinkStats link_base_;
    bool have_link_base_ = false;
    bool fallback_warned_ = false;
    std::uint64_t accepted_ = 0;  // passed the filter
};

}  // namespace netring::xdp
