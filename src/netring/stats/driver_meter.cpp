// SPDX-License-Identifier: GPL-2.0-or-later
// DriverMeter: deltas and totals of a driver's counters, and learning its set again.
#include "netring/stats/driver_meter.h"

#include <algorithm>
#include <cerrno>
#include <optional>

#include "netring/stats/counter.h"

namespace netring::stats {

namespace {

// The driver's counters of the set, and their values now.
Result<std::pair<DriverStats, std::vector<std::uint64_t>>> open_and_read(const std::string &interface,
                                                                         DriverStatsSet set)
{
    auto stats = DriverStats::open(interface, set);
    if (!stats)
        return stats.error();
    auto values = stats->read();
    if (!values)
        return values.error();
    return std::pair{std::move(stats.value()), std::move(values.value())};
}

}  // namespace

Result<DriverMeter> DriverMeter::open(const std::string &interface, DriverStatsSet set)
{
    auto got = open_and_read(interface, set);
    if (!got)
        return got.error();
    DriverMeter m(std::move(got->first), interface, set);
    m.map(got->second);
    return m;
}

std::size_t DriverMeter::slot(const std::string &name)
{
    const auto it = std::find_if(totals_.begin(), totals_.end(), [&](const NamedCount &t) { return t.first == name; });
    if (it != totals_.end())
        return static_cast<std::size_t>(it - totals_.begin());
    totals_.emplace_back(name, 0);
    return totals_.size() - 1;
}

void DriverMeter::map(const std::vector<std::uint64_t> &values)
{
    std::vector<std::optional<std::uint64_t>> before(totals_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i)
        before[slots_[i]] = previous_[i];
    slots_.clear();
    previous_.clear();
    for (std::size_t i = 0; i < stats_.names().size(); ++i) {
        const std::size_t s = slot(stats_.names()[i]);
        slots_.push_back(s);
        // A counter that kept its name follows on from its previous value; a
        // new one starts from its first.
        previous_.push_back(s < before.size() && before[s] ? *before[s] : values[i]);
    }
}

Result<std::vector<std::uint64_t>> DriverMeter::relearn()
{
    auto got = open_and_read(interface_, set_);
    if (!got)
        return got.error();
    stats_ = std::move(got->first);
    map(got->second);
    return std::move(got->second);
}

Result<std::vector<NamedCount>> DriverMeter::step()
{
    auto now = stats_.read();
    // The set may change again while we learn it (queues added one by one).
    for (int attempt = 0; attempt < 3 && !now && now.error().code == EAGAIN; ++attempt)
        now = relearn();
    if (!now)
        return now.error();
    std::vector<NamedCount> deltas;
    deltas.reserve(slots_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const std::uint64_t d = counter_step(previous_[i], now.value()[i]).delta;
        totals_[slots_[i]].second += d;
        deltas.emplace_back(totals_[slots_[i]].first, d);
    }
    previous_ = std::move(now.value());
    return deltas;
}

}  // namespace netring::stats
