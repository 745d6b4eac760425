// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing of -a conditions.
#include "autostop.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "netring/pcap/rotation_policy.h"
#include "number_checks.h"

namespace netring::cli {

std::optional<AutoStop> parse_autostop(const std::vector<std::string> &conditions, double duration,
                                       std::string &problem)
{
    AutoStop stop;
    if (duration > static_cast<double>(max_limit_seconds)) {
        problem = time_limit_problem(fmt::format("--duration {}", duration));
        return std::nullopt;
    }
    stop.seconds = duration;
    bool from_option = true;  // stop.seconds is --duration's
    for (const std::string &c : conditions) {
        const auto colon = c.find(':');
        const std::string key = c.substr(0, colon);
        const std::string value = colon == std::string::npos ? "" : c.substr(colon + 1);
        const double v = std::strtod(value.c_str(), nullptr);
        if (!decimal_text(value) || !(v > 0)) {
            problem = fmt::format("-a {}: expected duration:SEC, packets:N or filesize:KB with a positive number", c);
            return std::nullopt;
        }
        // Beyond these the conversions to nanoseconds, frames or bytes overflow
        // (a frame count gets the byte limit: 2^62 frames are as endless).
        const double most = key == "duration" ? static_cast<double>(max_limit_seconds)
                            : key == "filesize" ? static_cast<double>(max_limit_bytes / 1000)
                                                : static_cast<double>(max_limit_bytes);
        if (v > most) {
            problem = key == "duration" ? time_limit_problem(fmt::format("-a {}", c))
                                        : fmt::format("-a {}: at most {:.0f}", c, most);
            return std::nullopt;
        }
        // Each condition may come more than once: the first met stops.
        const auto sooner = [](auto have, auto v) { return have == 0 ? v : std::min(have, v); };
        if ((key == "packets" || key == "filesize") && !digits_only(value)) {
            // As dumpcap: whole frames and kB. A cast would make 0.5 a 0,
            // which means no limit at all.
            problem = fmt::format("-a {}: {} takes a whole number from 1 up", c, key);
            return std::nullopt;
        }
        if (key == "duration") {
            // -a duration: overrides --duration, as documented.
            stop.seconds = std::exchange(from_option, false) ? v : sooner(stop.seconds, v);
        } else if (key == "packets") {
            stop.packets = sooner(stop.packets, static_cast<std::uint64_t>(v));
        } else if (key == "filesize") {
            stop.kilobytes = sooner(stop.kilobytes, static_cast<std::uint64_t>(v));
        } else {
            problem = fmt::format("-a {}: unknown condition '{}' (duration, packets or filesize)", c, key);
            return std::nullopt;
        }
    }
    return stop;
}

}  // namespace netring::cli
