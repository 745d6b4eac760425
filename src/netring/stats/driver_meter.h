// SPDX-License-Identifier: GPL-2.0-or-later
// DriverMeter: a driver's counters (DriverStats) over a run, by name, through changes of the driver's set.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "netring/base/result.h"
#include "netring/stats/driver_stats.h"

namespace netring::stats {

using NamedCount = std::pair<std::string, std::uint64_t>;

// A driver changes its set of counters when it is reconfigured (ethtool -L
// adds or removes queues): the meter learns the names again and goes on. A
// counter that keeps its name keeps its total; a new one starts from its
// first value; one that went away keeps the total it had.
class DriverMeter {
public:
    // An empty meter when the driver has no counters of the set (or set is none).
    static Result<DriverMeter> open(const std::string &interface, DriverStatsSet set);

    [[nodiscard]] bool empty() const { return stats_.empty(); }
    // The counters as the driver has them now, with how much each moved since
    // the previous step (or open()).
    Result<std::vector<NamedCount>> step();
    // How much each counter moved since open(), every one seen, in order of appearance.
    [[nodiscard]] const std::vector<NamedCount> &totals() const { return totals_; }
    // The names the driver has now.
    [[nodiscard]] const std::vector<std::string> &names() const { return stats_.names(); }

private:
    DriverMeter(DriverStats stats, std::string interface, DriverStatsSet set)
        : stats_(std::move(stats)), interface_(std::move(interface)), set_(set)
    {
    }
    // Where name's total lives in totals_, added when new.
    std::size_t slot(const std::string &name);
    // Maps stats_'s names, whose values were just read, to their totals and
    // previous values: those of a name seen before carry on.
    void map(const std::vector<std::uint64_t> &values);
    // Opens the driver's set again after it changed; its current values.
    Result<std::vector<std::uint64_t>> relearn();

    DriverStats stats_;
    std::string interface_;
    DriverStatsSet set_;
    std::vector<std::uint64_t> previous_;  // stats_'s last values, in its names' order
    std::vector<std::size_t> slots_;       // stats_'s names' places in totals_
    std::vector<NamedCount> totals_;
};

}  // namespace netring::stats
