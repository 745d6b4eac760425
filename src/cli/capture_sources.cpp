// SPDX-License-Identifier: GPL-2.0-or-later
// Opening capture sources from the command line's choices.
#include "capture_sources.h"

#include <algorithm>
#include <bit>
#include <cerrno>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netring/afpacket/fanout.h"
#include "netring/afpacket/rx_ring.h"
#include "netring/afxdp/xdp_source.h"
#include "netring/base/interface.h"
#include "netring/base/queues.h"

namespace netring::cli {

namespace {

afpacket::DirectionFilter direction_of(const std::string &q)
{
    if (q == "in")
        return afpacket::DirectionFilter::in;
    if (q == "out")
        return afpacket::DirectionFilter::out;
    return afpacket::DirectionFilter::inout;
}

// AF_XDP on one queue or several; the filter runs in user space (pcap_offline_filter).
Status open_xdp(const CaptureOptions &o, const Filter &filter, OpenedSources &opened)
{
    xdp::XdpCaptureOptions x;
    x.interface = o.interface;
    x.queue = o.queue;
    x.snaplen = o.snaplen;
    x.zero_copy = o.zero_copy;
    x.mode = o.xdp_mode == "native" ? xdp::XdpMode::native
             : o.xdp_mode == "generic" ? xdp::XdpMode::generic
                                       : xdp::XdpMode::automatic;
    x.xsk_map_path = o.xsk_map;
    x.promiscuous = !o.no_promiscuous;
    x.filter = &filter;
    x.umem_bytes = std::uint64_t{o.buffer_kib} << 10;  // -B sizes each queue's UMEM
    std::vector<std::uint32_t> queues{o.queue};
    if (!o.queues.empty()) {
        std::string problem;
        auto list = parse_queue_list(o.queues, interface_queues(o.interface).rx, problem);
        if (!list)
            return Error::invalid(EINVAL, fmt::format("--queues {}: {}", o.queues, problem));
        queues = std::move(*list);
    }
    auto sources = xdp::XdpCaptureSource::open_queues(x, queues);
    if (!sources) {
        Error e = sources.error();
        if (e.code == EEXIST)  // another XDP program holds the interface
            e.context += "; detach it or use --xsk-map PATH";
        return e;
    }
    for (std::size_t i = 0; i < sources->size(); ++i) {
        auto &s = sources.value()[i];
        opened.labels.push_back(fmt::format("queue {}", queues[i]));
        opened.descriptions.push_back(s->description());
        opened.sources.push_back(std::move(s));
    }
    return {};
}

Status open_packet(const CaptureOptions &o, const Filter &filter, OpenedSources &opened)
{
    afpacket::RxOptions rx;
    rx.interface = o.interface;
    rx.snaplen = o.snaplen;
    rx.promiscuous = !o.no_promiscuous;
    rx.direction = direction_of(o.direction);
    rx.ring_bytes = o.buffer_kib * 1024;
    rx.filter = &filter;
    std::vector<std::unique_ptr<afpacket::PacketRxRing>> rings;
    std::string how = "AF_PACKET TPACKET_V3";
    if (o.threads > 1) {
        // CLI11 checked the name.
        const auto mode = afpacket::parse_fanout_mode(o.fanout).value_or(afpacket::FanoutMode::hash);
        auto group = afpacket::open_fanout(rx, o.threads, mode);
        if (!group)
            return group.error();
        rings = std::move(group.value());
        how += fmt::format(", fanout {}", afpacket::to_string(mode));
    } else {
        auto ring = afpacket::PacketRxRing::open(rx);
        if (!ring)
            return ring.error();
        rings.push_back(std::move(ring.value()));
    }
    spdlog::info("{}: {} TPACKET_V3 ring{} of {} x {} KiB blocks", o.interface, rings.size(),
                 rings.size() == 1 ? "" : "s", rings.front()->block_count(), rings.front()->block_size() >> 10);
    for (std::size_t i = 0; i < rings.size(); ++i) {
        opened.labels.push_back(fmt::format("socket {}", i));
        opened.descriptions.push_back(rings.size() == 1 ? how
                                                        : fmt::format("{}, socket {} of {}", how, i, rings.size()));
        opened.sources.push_back(std::move(rings[i]));
    }
    return {};
}

}  // namespace

Result<OpenedSources> open_sources(const CaptureOptions &o, const Filter &filter)
{
    OpenedSources opened;
    if (auto st = o.backend == "xdp" ? open_xdp(o, filter, opened) : open_packet(o, filter, opened); !st)
        return st.error();
    if (auto info = lookup_interface(o.interface))
        opened.hardware = info->driver;
    return opened;
}

}  // namespace netring::cli
