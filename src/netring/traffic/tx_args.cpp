// SPDX-License-Identifier: GPL-2.0-or-later
// Size lists and rates for xdp-tx.
#include "netring/traffic/tx_args.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace netring::traffic {

namespace {

// Sizes beyond this many would only cost memory: no link carries more.
constexpr std::size_t max_sizes = 65536;

Error invalid(std::string_view text, std::string_view why)
{
    return Error::invalid(EINVAL, fmt::format("invalid --size '{}': {}", text, why));
}

bool parse_number(std::string_view s, std::uint32_t &out)
{
    if (s.empty())
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<std::vector<std::uint32_t>> parse_sizes(std::string_view text)
{
    std::vector<std::uint32_t> sizes;
    if (text.empty())
        return invalid(text, "empty");
    std::string_view rest = text;
    for (;;) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const std::size_t dash = item.find('-');
        std::uint32_t lo = 0;
        std::uint32_t hi = 0;
        if (dash == std::string_view::npos) {
            if (!parse_number(item, lo))
                return invalid(text, fmt::format("'{}' is not a size in bytes", item));
            hi = lo;
        } else {
            if (!parse_number(item.substr(0, dash), lo) || !parse_number(item.substr(dash + 1), hi))
                return invalid(text, fmt::format("'{}' is not a range such as 64-1514", item));
            if (lo > hi)
                return invalid(text, fmt::format("range '{}' runs backwards", item));
        }
        if (sizes.size() + (hi - lo) >= max_sizes)
            return invalid(text, fmt::format("more than {} sizes", max_sizes));
        for (std::uint32_t s = lo;; ++s) {
            sizes.push_back(s);
            if (s == hi)
                break;
        }
        if (comma == std::string_view::npos)
            break;
        rest = rest.substr(comma + 1);
    }
    return sizes;
}

Result<double> parse_rate(std::string_view text, std::string_view what)
{
    std::string s(text);
    double scale = 1;
    if (!s.empty()) {
        switch (s.back()) {
        case 'k': case 'K': scale = 1e3; break;
        case 'M': scale = 1e6; break;
        case 'G': case 'g': scale = 1e9; break;
        default: break;
        }
        if (scale != 1)
            s.pop_back();
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
        return Error::invalid(EINVAL, fmt::format("invalid {} '{}': a number such as 1000, 2.5k or 1M", what, text));
    if (v <= 0)
        return Error::invalid(EINVAL, fmt::format("invalid {} '{}': must be more than zero", what, text));
    return v * scale;
}

}  // namespace netring::traffic
