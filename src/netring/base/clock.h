// SPDX-License-Identifier: GPL-2.0-or-later
// Nanosecond clocks: monotonic for intervals, realtime for timestamps.
#pragma once

#include <cstdint>
#include <ctime>

namespace netring {

inline std::uint64_t clock_ns(clockid_t id)
{
    timespec ts{};
    ::clock_gettime(id, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}
inline std::uint64_t monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }
inline std::uint64_t realtime_ns() { return clock_ns(CLOCK_REALTIME); }

}  // namespace netring
