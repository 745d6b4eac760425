// SPDX-License-Identifier: GPL-2.0-or-later
// Formatting of the transmit report.
#include "tx_report.h"

#include <fmt/format.h>

#include "errors.h"

namespace netring::cli {

void print_tx_report(const char *command, const TxTotals &t, const Histogram *timing,
                     const std::vector<std::pair<std::string, std::uint64_t>> &skipped, std::uint64_t truncated,
                     bool json)
{
    const double secs = static_cast<double>(t.elapsed_ns) / 1e9;
    const double pps = secs > 0 ? static_cast<double>(t.completed) / secs : 0;
    const double bps = secs > 0 ? static_cast<double>(t.bytes) * 8 / secs : 0;
    if (json) {
        std::string skips;
        for (const auto &[why, n] : skipped)
            skips += fmt::format(", \"skipped_{}\": {}", why, n);
        std::string timing_fields;
        if (timing != nullptr)
            timing_fields = fmt::format(", \"timing_error_mean_ns\": {:.0f}, \"timing_error_p99_ns\": {}",
                                        timing->mean(), timing->percentile(0.99));
        oprint("{{\"frames_sent\": {}, \"frames_queued\": {}, \"bytes_sent\": {}, \"truncated\": {}{}, "
               "\"elapsed_s\": {:.6f}, \"pps\": {:.1f}, \"bps\": {:.1f}{}}}\n",
               t.completed, t.queued, t.bytes, truncated, skips, secs, pps, bps, timing_fields);
        return;
    }
    std::string skips;
    std::uint64_t skipped_total = 0;
    for (const auto &[why, n] : skipped) {
        skipped_total += n;
        if (n != 0)
            skips += fmt::format(" {} {},", n, why);
    }
    if (!skips.empty())
        skips.pop_back();
    eprint("netring {}: {} frames sent ({} bytes) in {:.3f} s: {:.0f} pps, {:.2f} Mbit/s\n", command,
           t.completed, t.bytes, secs, pps, bps / 1e6);
    // A generator that never skips (xdp-tx) passes no reasons: no line.
    if (!skipped.empty() || truncated != 0)
        eprint("netring {}: {} skipped{}{}{}\n", command, skipped_total, skips.empty() ? "" : ":", skips,
               truncated != 0 ? fmt::format("; {} truncated to the MTU", truncated) : "");
    if (timing != nullptr && timing->count() != 0)
        eprint("netring {}: timing error mean {:.1f} us, p99 {:.1f} us, max {:.1f} us\n", command,
               timing->mean() / 1e3, static_cast<double>(timing->percentile(0.99)) / 1e3,
               static_cast<double>(timing->max()) / 1e3);
}

}  // namespace netring::cli
