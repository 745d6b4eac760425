// SPDX-License-Identifier: GPL-2.0-or-later
// 64-bit interface counters read over rtnetlink (no text parsing, no sysfs).
#pragma once

#include <cstdint>

#include "netring/base/result.h"

namespace netring {

struct LinkStats {
    std::uint64_t rx_packets = 0;
    std::uint64_t tx_packets = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    std::uint64_t rx_errors = 0;
    std::uint64_t tx_errors = 0;
    std::uint64_t rx_dropped = 0;
    std::uint64_t tx_dropped = 0;
    std::uint64_t rx_missed = 0;  // rx_missed_errors: the NIC's own drops
};

// RTM_GETLINK for one interface index; ENODEV when it has gone away.
Result<LinkStats> read_link_stats(unsigned ifindex);

}  // namespace netring
