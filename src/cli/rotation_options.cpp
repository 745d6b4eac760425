// SPDX-License-Identifier: GPL-2.0-or-later
// Checks the rotation options together and builds the policy.
#include "rotation_options.h"

#include <cmath>

#include <fmt/format.h>

namespace netring::cli {

std::optional<RotationPolicy> rotation_policy(const RotationOptions &r, const std::string &write_to,
                                              std::string &problem)
{
    RotationPolicy p;
    if (r.file_size_mb < 0 || std::isnan(r.file_size_mb) || r.file_size_mb * 1e6 > max_limit_bytes) {
        problem = fmt::format("-C takes a positive size in millions of bytes, at most {}", max_limit_bytes / 1'000'000);
        return std::nullopt;
    }
    if (r.rotate_seconds > max_limit_seconds) {
        problem = time_limit_problem(fmt::format("-G {}", r.rotate_seconds));
        return std::nullopt;
    }
    if (r.stats_interval > static_cast<double>(max_limit_seconds)) {
        problem = time_limit_problem(fmt::format("--stats-interval {}", r.stats_interval));
        return std::nullopt;
    }
    p.max_bytes = static_cast<std::uint64_t>(r.file_size_mb * 1e6);
    if (r.file_size_mb > 0 && p.max_bytes == 0)
        p.max_bytes = 1;
    p.duration_s = r.rotate_seconds;
    for (const std::string &b : r.ring) {
        if (auto st = apply_ring_buffer_option(b, p); !st) {
            problem = st.error().context;
            return std::nullopt;
        }
    }
    if (r.file_count != 0) {
        if (r.file_size_mb > 0)
            p.ring_files = r.file_count;
        else if (r.rotate_seconds != 0)
            p.max_files = r.file_count;
        else {
            problem = "-W needs -C or -G";
            return std::nullopt;
        }
    }
    p.strftime_names = r.rotate_seconds != 0 && write_to.find('%') != std::string::npos;
    const bool asked = p.rotates() || p.ring_files != 0 || p.max_files != 0 || !r.postrotate.empty();
    if (asked && !p.rotates()) {
        problem = "-W, -z and -b files:N need a rotation limit (-C, -G or -b filesize/duration/interval/packets)";
        return std::nullopt;
    }
    if (asked && (write_to.empty() || write_to == "-")) {
        problem = write_to.empty() ? "file rotation needs -w FILE, the name the files are given"
                                   : "file rotation writes files, not standard output: give -w FILE, the name "
                                     "the files are given";
        return std::nullopt;
    }
    return p;
}

}  // namespace netring::cli
