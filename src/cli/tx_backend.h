// SPDX-License-Identifier: GPL-2.0-or-later
// The transmit backend options that replay and xdp-tx share, and opening one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "netring/traffic/sender.h"

namespace netring::cli {

struct TxBackendOptions {
    std::string backend = "xdp";     // xdp (AF_XDP TX ring) or packet (AF_PACKET TX ring)
    bool qdisc_bypass = false;       // packet: PACKET_QDISC_BYPASS
    std::uint32_t queue = 0;         // xdp: the queue to send on
    bool zero_copy = false;          // xdp: ask for zero-copy
    std::size_t slots = 4096;        // TX ring slots
    // Not an option: how many frames the caller will place (replay -K), so
    // that the xdp backend sizes its UMEM for them.
    std::uint64_t place_frames = 0;
};

void add_tx_backend_options(CLI::App &app, TxBackendOptions &o);

// Option combinations it cannot honour are bad input (Error::bad_input).
Result<std::unique_ptr<FrameSender>> open_tx_backend(const std::string &interface, const TxBackendOptions &o);

}  // namespace netring::cli
