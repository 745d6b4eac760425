// SPDX-License-Identifier: GPL-2.0-or-later
// Choosing and opening a transmit backend.
#include "tx_backend.h"

#include "netring/afpacket/tx_ring.h"

namespace netring::cli {

void add_tx_backend_options(CLI::App &app, TxBackendOptions &o)
{
    app.add_option("--backend", o.backend, "packet (AF_PACKET TX ring) or xdp (AF_XDP)")
        ->check(CLI::IsMember({"packet", "xdp"}));
    app.add_flag("--qdisc-bypass", o.qdisc_bypass, "packet: send straight to the driver (PACKET_QDISC_BYPASS)");
    app.add_option("--queue", o.queue, "xdp: queue to send on");
    app.add_flag("--zero-copy", o.zero_copy, "xdp: ask for zero-copy mode");
    app.add_option("--tx-slots", o.slots, "TX ring slots")->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20));
}

Result<std::unique_ptr<FrameSender>> open_tx_backend(const std::string &interface, const TxBackendOptions &o)
{
    if (o.backend == "xdp")
        return Error::logic("the xdp transmit backend is not built yet; use --backend packet");
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
