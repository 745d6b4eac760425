// SPDX-License-Identifier: GPL-2.0-or-later
// Ticker: interval deadlines on an absolute schedule, so that late wake-ups never accumulate drift.
#pragma once

#include <cstdint>

namespace netring::stats {

// Ticks fall at start + k * interval (k = 1, 2, ...) and, with a duration, a
// last one exactly at start + duration. A tick handled so late that later
// ones have passed too skips them: the next interval is then longer, and
// rates stay right because they divide by the real elapsed time.
class Ticker {
public:
    Ticker(std::uint64_t start_ns, std::uint64_t interval_ns, std::uint64_t duration_ns = 0)
        : start_(start_ns), interval_(interval_ns == 0 ? 1 : interval_ns), duration_(duration_ns)
    {
    }

    // When the next tick is due (CLOCK_MONOTONIC ns).
    [[nodiscard]] std::uint64_t next() const
    {
        const std::uint64_t t = start_ + k_ * interval_;
        return duration_ != 0 && t > start_ + duration_ ? start_ + duration_ : t;
    }

    // Whether the next tick is the one that ends the duration.
    [[nodiscard]] bool final() const { return duration_ != 0 && next() == start_ + duration_; }

    // The tick was handled and now is the time: move to the first tick after now.
    void advance(std::uint64_t now_ns)
    {
        ++k_;
        if (now_ns >= start_ + k_ * interval_)
            k_ = (now_ns - start_) / interval_ + 1;
    }

private:
    std::uint64_t start_;
    std::uint64_t interval_;
    std::uint64_t duration_;
    std::uint64_t k_ = 1;
};

}  // namespace netring::stats
