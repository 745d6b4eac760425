// SPDX-License-Identifier: GPL-2.0-or-later
// tcpdump's -C/-G/-W and dumpcap's -b options into one RotationPolicy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netring/pcap/rotation_policy.h"

namespace netring::cli {

struct RotationOptions {
    double file_size_mb = 0;            // -C, millions of bytes
    std::uint64_t rotate_seconds = 0;   // -G
    std::uint32_t file_count = 0;       // -W
    std::vector<std::string> ring;      // -b KEY:N
    std::string postrotate;             // -z
    double stats_interval = 0;          // --stats-interval
};

// The policy, or nullopt with the reason in problem (a usage error). -W is a
// ring with -C (as in tcpdump, also with -G) and a file limit with -G alone.
std::optional<RotationPolicy> rotation_policy(const RotationOptions &r, const std::string &write_to,
                                              std::string &problem);

}  // namespace netring::cli
