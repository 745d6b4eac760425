// SPDX-License-Identifier: GPL-2.0-or-later
// Counter steps and rates.
#include "netring/stats/counter.h"

namespace netring::stats {

CounterStep counter_step(std::uint64_t previous, std::uint64_t current)
{
    if (current >= previous)
        return {current - previous, CounterEvent::none};
    constexpr std::uint64_t span32 = std::uint64_t{1} << 32;
    if (previous < span32) {
        const std::uint64_t wrapped = span32 - previous + current;
        if (wrapped < (span32 >> 1))
            return {wrapped, CounterEvent::wrapped32};
    }
    return {current, CounterEvent::reset};
}

double per_second(std::uint64_t count, std::uint64_t elapsed_ns)
{
    if (elapsed_ns == 0)
        return 0.0;
    return static_cast<double>(count) * 1e9 / static_cast<double>(elapsed_ns);
}

double bits_per_second(std::uint64_t bytes, std::uint64_t elapsed_ns)
{
    return per_second(bytes, elapsed_ns) * 8.0;
}

}  // namespace netring::stats
