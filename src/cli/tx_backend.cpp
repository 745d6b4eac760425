// SPDX-License-Identifier: GPL-2.0-or-later
// Choosing and opening a transmit backend.
#include "tx_backend.h"

#include <cerrno>

#include "number_checks.h"
#include "netring/afpacket/tx_ring.h"
#include "netring/afxdp/xdp_tx_sender.h"

namespace netring::cli {

void add_tx_backend_options(CLI::App &app, TxBackendOptions &o)
{
    app.add_option("--backend", o.backend, "xdp (AF_XDP TX ring, default) or packet (AF_PACKET TX ring)")
        ->check(CLI::IsMember({"packet", "xdp"}));
    app.add_flag("--qdisc-bypass", o.qdisc_bypass, "packet: send straight to the driver (PACKET_QDISC_BYPASS)");
    app.add_option("--queue", o.queue, "xdp: queue to send on")->transform(whole_number);
    app.add_flag("--zero-copy", o.zero_copy, "xdp: ask for zero-copy mode");
    app.add_option("--tx-slots", o.slots, "TX ring slots")
        ->transform(whole_number)
        ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20));
}

Result<std::unique_ptr<FrameSender>> open_tx_backend(const std::string &interface, const TxBackendOptions &o)
{
    if (o.backend == "xdp") {
        if (o.qdisc_bypass)
            return Error::invalid(EINVAL, "invalid option: --qdisc-bypass is for --backend packet "
                                          "(AF_XDP copy mode bypasses the qdisc anyway)");
        xdp::XdpTxOptions x;
        x.interface = interface;
        x.queue = o.queue;
        x.zero_copy = o.zero_copy;
        x.slots = static_cast<std::uint32_t>(o.slots);
        x.place_frames = o.place_frames;
        auto sender = xdp::XdpTxSender::open(x);
        if (!sender)
            return sender.error();
        return std::unique_ptr<FrameSender>(std::move(sender.value()));
    }
    if (o.queue != 0 || o.zero_copy)
        return Error::invalid(EINVAL, "invalid option: --queue and --zero-copy are for --backend xdp");
    afpacket::TxOptions t;
    t.interface = interface;
    t.frame_count = o.slots;
    t.qdisc_bypass = o.qdisc_bypass;
    auto ring = afpacket::PacketTxRing::open(t);
    if (!ring)
        return ring.error();
    return std::unique_ptr<FrameSender>(std::move(ring.value()));
}

}  // namespace netring::cli
