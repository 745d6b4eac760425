// SPDX-License-Identifier: GPL-2.0-or-later
// IsbCounters: consistent ISB counters for one socket or several threads.
#include "isb_counters.h"

#include "netring/base/clock.h"

namespace netring::cli {

InterfaceCounters to_interface_counters(const SourceCounters &k, std::uint64_t start_ns, std::uint64_t delivered)
{
    InterfaceCounters c;
    c.start_ns = start_ns;
    c.end_ns = realtime_ns();
    c.usrdeliv = delivered;
    c.ifrecv = k.if_received;
    c.ifdrop = k.if_dropped;
    c.filteraccept = k.received;
    c.osdrop = k.dropped;
    return c;
}

std::vector<InterfaceCounters> IsbCounters::live(std::uint64_t delivered) const
{
    std::vector<InterfaceCounters> all;
    if (merged_ == nullptr) {
        auto k = source_.counters();
        all.push_back(to_interface_counters(k ? k.value() : SourceCounters{}, start_ns_, delivered));
        return all;
    }
    for (std::size_t i = 0; i < merged_->size(); ++i) {
        all.push_back(to_interface_counters(merged_->counters_of(i), start_ns_, merged_->delivered_by(i)));
        all.back().has_interface_counters = i == 0;
    }
    return all;
}

std::vector<InterfaceCounters> IsbCounters::latest(std::uint64_t delivered) const
{
    if (merged_ == nullptr)
        return live(delivered);
    if (!latest_.empty())
        return latest_;
    std::vector<InterfaceCounters> zeros(merged_->size());
    for (std::size_t i = 0; i < zeros.size(); ++i) {
        zeros[i].start_ns = zeros[i].end_ns = start_ns_;
        zeros[i].has_interface_counters = i == 0;
    }
    return zeros;
}

bool IsbCounters::step(std::uint64_t now_mono, std::uint64_t every_ns, bool now)
{
    if (merged_ == nullptr)
        return false;
    if (!asked_) {
        if (!now && now_mono - asked_mono_ < every_ns)
            return false;
        asked_.emplace();
        for (std::size_t i = 0; i < merged_->size(); ++i)
            asked_->push_back(merged_->delivered_by(i));
        asked_mono_ = now_mono;
        asked_real_ = realtime_ns();
        merged_->request_counters();
        return false;
    }
    // A thread answers within its poll timeout.
    if (!merged_->counters_fresh() && now_mono - asked_mono_ < 1'000'000'000ULL)
        return false;
    latest_.clear();
    for (std::size_t i = 0; i < merged_->size(); ++i) {
        latest_.push_back(to_interface_counters(merged_->counters_of(i), start_ns_, (*asked_)[i]));
        latest_.back().end_ns = asked_real_;
        latest_.back().has_interface_counters = i == 0;
    }
    asked_.reset();
    return true;
}

}  // namespace netring::cli
