// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing of -a conditions.
#include "autostop.h"

#include <cstdlib>

#include <fmt/format.h>

namespace netring::cli {

std::optional<AutoStop> parse_autostop(const std::vector<std::string> &conditions, double duration,
                                       std::string &problem)
{
    AutoStop stop;
    stop.seconds = duration;
    for (const std::string &c : conditions) {
        const auto colon = c.find(':');
        const std::string key = c.substr(0, colon);
        const std::string value = colon == std::string::npos ? "" : c.substr(colon + 1);
        char *end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(v > 0)) {
            problem = fmt::format("-a {}: expected duration:SEC, packets:N or filesize:KB with a positive number", c);
            return std::nullopt;
        }
        if (key == "duration") {
            stop.seconds = v;
        } else if (key == "packets") {
            stop.packets = static_cast<std::uint64_t>(v);
        } else if (key == "filesize") {
            stop.kilobytes = static_cast<std::uint64_t>(v);
        } else {
            problem = fmt::format("-a {}: unknown condition '{}' (duration, packets or filesize)", c, key);
            return std::nullopt;
        }
    }
    return stop;
}

}  // namespace netring::cli
