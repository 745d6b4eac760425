// SPDX-License-Identifier: GPL-2.0-or-later
// Schedule offsets and the sleep-then-spin wait.
#include "netring/traffic/pacer.h"

#include <ctime>

#include "netring/base/clock.h"
#include "netring/base/stop_signal.h"

namespace netring {

namespace {

// Offsets are held at 2^62 ns (146 years): a double beyond 2^64 converts to
// an undefined integer, 0 here, so -p 1e-12 sent everything at top speed.
std::uint64_t to_offset(double ns)
{
    constexpr double most = 4'611'686'018'427'387'904.0;
    return ns < most ? static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(most);
}

}  // namespace

std::uint64_t Schedule::next(std::uint64_t ts_ns, std::uint32_t bytes)
{
    std::uint64_t offset = 0;
    switch (config_.mode) {
    case PaceMode::original:
        if (!have_first_) {
            have_first_ = true;
            first_ts_ = ts_ns;
        }
        // Timestamps that go backwards (merged files) send at once.
        offset = file_base_ +
                 (ts_ns > first_ts_ ? to_offset(static_cast<double>(ts_ns - first_ts_) / config_.multiplier) : 0);
        break;
    case PaceMode::pps:
        // One product and one division, so that frame R x D of a run of D
        // seconds is due at D exactly, never a rounding error before it.
        offset = to_offset(static_cast<double>(frames_ * config_.lanes + config_.lane) * 1e9 / config_.pps);
        break;
    case PaceMode::bitrate:
        // Frame k starts when the bits of frames 0..k-1 have gone out; the
        // other lanes are taken to send frames of the same sizes.
        offset = to_offset(static_cast<double>(bytes_ * config_.lanes + std::uint64_t{config_.lane} * bytes) * 8.0 *
                           1e9 / config_.bits_per_second);
        break;
    case PaceMode::top_speed:
        break;
    }
    ++frames_;
    bytes_ += bytes;
    if (offset < last_offset_)
        offset = last_offset_;
    last_offset_ = offset;
    return offset;
}

void Schedule::new_file()
{
    have_first_ = false;
    file_base_ = last_offset_;
}

void wait_until(std::uint64_t deadline_ns)
{
    constexpr std::uint64_t spin_window = 100'000;  // 100 us
    for (;;) {
        const std::uint64_t now = monotonic_ns();
        if (now >= deadline_ns)
            return;
        const std::uint64_t left = deadline_ns - now;
        if (left > spin_window) {
            const std::uint64_t sleep = left - spin_window;
            timespec ts{static_cast<time_t>(sleep / 1'000'000'000ULL), static_cast<long>(sleep % 1'000'000'000ULL)};
            ::nanosleep(&ts, nullptr);
        }
    }
}

bool wait_or_stop(std::uint64_t deadline_ns)
{
    constexpr std::uint64_t slice = 50'000'000;  // 50 ms
    for (;;) {
        const std::uint64_t now = monotonic_ns();
        if (now >= deadline_ns)
            return true;
        if (stop_requested() != 0)
            return false;
        wait_until(deadline_ns - now > slice ? now + slice : deadline_ns);
    }
}

}  // namespace netring
