// SPDX-License-Identifier: GPL-2.0-or-later
// Differences of cumulative counters (with wrap and reset) and rates over real elapsed time.
#pragma once

#include <cstdint>

namespace netring::stats {

enum class CounterEvent : std::uint8_t {
    none,
    wrapped32,  // a 32-bit counter (some drivers) passed 2^32 - 1 and started again
    reset,      // the counter went back (driver reset, device re-created)
};

struct CounterStep {
    std::uint64_t delta = 0;
    CounterEvent event = CounterEvent::none;
};

// How much a cumulative counter advanced from `previous` to `current`.
//
// A counter that went down either wrapped or was reset. It is taken for a
// 32-bit wrap when `previous` fits in 32 bits and the wrapped difference is
// under 2^31 (a counter near the top of its range that moved a little);
// otherwise it was reset, and `current` is what it counted since the reset
// (a lower bound of the true advance). 64-bit counters are not expected to
// wrap: at 400 Gbit/s the byte counter takes 11 years.
CounterStep counter_step(std::uint64_t previous, std::uint64_t current);

// count per second over elapsed_ns of real time; 0 for an empty interval.
double per_second(std::uint64_t count, std::uint64_t elapsed_ns);

// bytes as bits per second over elapsed_ns; 0 for an empty interval.
double bits_per_second(std::uint64_t bytes, std::uint64_t elapsed_ns);

}  // namespace netring::stats
