// SPDX-License-Identifier: GPL-2.0-or-later
// 64-bit interface counters read over rtnetlink (no text parsing, no sysfs).
#pragma once

#include <cstdint>
#include <optional>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

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

// For reading the same counters again and again (netring stats, ten times a
// second): one rtnetlink socket kept open, and RTM_GETSTATS asking for
// IFLA_STATS_LINK_64 alone, so each reply is a few hundred bytes instead of
// the whole link description.
class LinkStatsReader {
public:
    static Result<LinkStatsReader> open();

    // ENODEV once the interface has gone away (or its index was reused by
    // nothing); counters of the network namespace the reader was opened in.
    Result<LinkStats> read(unsigned ifindex);

private:
    explicit LinkStatsReader(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
    std::uint32_t seq_ = 0;
};

// What an interface received and dropped since a capture began.
struct LinkDelta {
    std::uint64_t received = 0;
    std::uint64_t dropped = 0;  // rx_dropped + rx_missed
};

// The interface's counters at the start of a capture, and a reader kept open
// to subtract them from later ones. Capture threads ask five times a second:
// a new socket and a whole RTM_GETLINK reply each time cost more than the
// question is worth.
class LinkBaseline {
public:
    // Never fails: a baseline that cannot be read answers nothing later.
    static LinkBaseline take(unsigned ifindex);
    // Nothing when the counters cannot be read (no baseline, interface gone).
    std::optional<LinkDelta> since();

private:
    std::optional<LinkStatsReader> reader_;
    unsigned ifindex_ = 0;
    LinkStats start_{};
};

}  // namespace netring
