// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureSource: a backend that receives frames (AF_PACKET ring, AF_XDP socket).
#pragma once

#include <cstdint>
#include <functional>

#include "netring/base/result.h"
#include "netring/pcap/frame.h"

namespace netring {

// Kernel-side counters of a source, cumulative since it opened.
struct SourceCounters {
    std::uint64_t received = 0;  // accepted by the kernel filter / redirected to us
    std::uint64_t dropped = 0;   // lost because our ring was full
    std::uint64_t if_dropped = 0;  // dropped by the interface (link counters)
    std::uint64_t if_received = 0; // received by the interface (link counters)
};

// Called for each frame. The frame's memory is valid only during the call.
// Returning false stops the batch early (count reached, output failed).
using FrameHandler = std::function<bool(const Frame &)>;

class CaptureSource {
public:
    virtual ~CaptureSource() = default;

    // Waits up to timeout_ms for frames, hands every ready one to handler
    // and returns how many it handed over (0 on timeout or EINTR).
    virtual Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) = 0;
    virtual Result<SourceCounters> counters() = 0;
};

}  // namespace netring
