// SPDX-License-Identifier: GPL-2.0-or-later
// The final report of replay and xdp-tx, as text on stderr or JSON on stdout.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "netring/base/histogram.h"

namespace netring::cli {

struct TxTotals {
    std::uint64_t queued = 0;     // handed to the kernel
    std::uint64_t completed = 0;  // reported complete by the kernel: "sent"
    std::uint64_t bytes = 0;      // of the completed frames
    std::uint64_t elapsed_ns = 0;
};

// timing is null for top speed. skipped lists (reason, count). The JSON
// report goes to standard output through oprint(): finish_stdout() then says
// whether it got there.
void print_tx_report(const char *command, const TxTotals &totals, const Histogram *timing,
                     const std::vector<std::pair<std::string, std::uint64_t>> &skipped, std::uint64_t truncated,
                     bool json);

}  // namespace netring::cli
