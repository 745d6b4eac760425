// SPDX-License-Identifier: GPL-2.0-or-later
// Per-frame work of StreamMeter.
#include "netring/stats/stream_meter.h"

#include "netring/stats/stamped_frame.h"

namespace netring::stats {

bool StreamMeter::add(const std::uint8_t *data, std::uint32_t caplen, std::uint64_t received_ns)
{
    const std::uint8_t *at = stamp_at(data, caplen, port_);
    if (at == nullptr)
        return false;
    const traffic::Stamp stamp = traffic::decode_stamp(at);
    ++stamped_;
    if (last_ == nullptr || last_id_ != stamp.stream) {
        auto &slot = streams_[stamp.stream];
        if (!slot)
            slot = std::make_unique<StreamStats>();
        last_ = slot.get();
        last_id_ = stamp.stream;
    }
    StreamStats &s = *last_;
    s.sequence.add(stamp.sequence, stamp.sent_ns);
    // Two's complement difference: negative when the sender's clock is ahead.
    const auto latency = static_cast<std::int64_t>(received_ns - stamp.sent_ns);
    s.interval_latency.record(latency);
    ++s.frames;
    ++s.interval_frames;
    return true;
}

void StreamMeter::end_interval()
{
    for (auto &[id, s] : streams_) {
        s->latency.merge(s->interval_latency);
        s->interval_latency.clear();
        s->interval_frames = 0;
    }
}

}  // namespace netring::stats
