// SPDX-License-Identifier: GPL-2.0-or-later
// StreamMeter: per-stream sequence and latency figures of the stamped frames a capture sees.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "netring/stats/latency.h"
#include "netring/stats/sequence_tracker.h"

namespace netring::stats {

struct StreamStats {
    SequenceTracker sequence;
    // Each frame is recorded once, into the interval's histogram, which
    // end_interval() folds into the total: one record per frame, not two.
    LatencyHistogram latency;           // from the start to the last end_interval()
    LatencyHistogram interval_latency;  // since the last end_interval()
    std::uint64_t frames = 0;
    std::uint64_t interval_frames = 0;
};

class StreamMeter {
public:
    explicit StreamMeter(std::uint16_t port) : port_(port) {}

    // Looks for a stamp in the frame; received_ns is the frame's capture time
    // (CLOCK_REALTIME), the other end of the latency. True if it had one.
    bool add(const std::uint8_t *data, std::uint32_t caplen, std::uint64_t received_ns);

    // Starts a new interval: adds the interval's latencies to the totals,
    // then interval counts and latencies start from zero.
    void end_interval();

    [[nodiscard]] const std::map<std::uint16_t, std::unique_ptr<StreamStats>> &streams() const { return streams_; }
    [[nodiscard]] std::uint64_t stamped() const { return stamped_; }

private:
    std::uint16_t port_;
    std::map<std::uint16_t, std::unique_ptr<StreamStats>> streams_;
    // Most traffic is one stream or a few: remember the last to skip the lookup.
    std::uint16_t last_id_ = 0;
    StreamStats *last_ = nullptr;
    std::uint64_t stamped_ = 0;
};

}  // namespace netring::stats
