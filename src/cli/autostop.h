// SPDX-License-Identifier: GPL-2.0-or-later
// dumpcap's -a stop conditions: duration:SEC, packets:N, filesize:KB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netring::cli {

struct AutoStop {
    double seconds = 0;          // 0: no time limit
    std::uint64_t packets = 0;   // 0: no frame limit
    std::uint64_t kilobytes = 0; // 0: no size limit (1 kB = 1000 bytes, as dumpcap)
};

// Parses each -a condition; duration (from --duration) is the default time
// limit. On a malformed condition returns nullopt and says why in problem.
std::optional<AutoStop> parse_autostop(const std::vector<std::string> &conditions, double duration,
                                       std::string &problem);

}  // namespace netring::cli
