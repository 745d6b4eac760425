// SPDX-License-Identifier: GPL-2.0-or-later
// DriverStats: the driver's own counters of an interface (what `ethtool -S` shows), read through SIOCETHTOOL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring::stats {

enum class DriverStatsSet {
    none,
    queues_and_xdp,  // names with "queue" or "xdp" in them: per-queue and XDP counters
    all,
};

class DriverStats {
public:
    // Learns the counter names once. A driver without ethtool statistics
    // gives an empty set, not an error.
    static Result<DriverStats> open(const std::string &interface, DriverStatsSet set);

    [[nodiscard]] const std::vector<std::string> &names() const { return names_; }
    [[nodiscard]] bool empty() const { return names_.empty(); }

    // Current values, in names() order. EAGAIN when the driver's set of
    // counters changed since open() (ring reconfigured, queues added).
    Result<std::vector<std::uint64_t>> read();

private:
    DriverStats() = default;
    UniqueFd fd_;
    std::string interface_;
    std::uint32_t total_ = 0;            // counters the driver reports
    std::vector<std::uint32_t> picked_;  // indices of the ones kept
    std::vector<std::string> names_;
    std::vector<std::uint64_t> buffer_;  // ethtool_stats header and all values
};

}  // namespace netring::stats
