// SPDX-License-Identifier: GPL-2.0-or-later
// The limits of a TX flush: idle time, total time, a stop signal.
#include "netring/traffic/flush_wait.h"

#include <cerrno>

#include <fmt/format.h>

#include "netring/base/clock.h"
#include "netring/base/stop_signal.h"

namespace netring {

FlushWait::FlushWait(int idle_ms, int most_ms)
    : start_ns_(monotonic_ns()), last_progress_ns_(start_ns_),
      idle_ns_(static_cast<std::uint64_t>(idle_ms) * 1'000'000ULL),
      most_ns_(most_ms > 0 ? static_cast<std::uint64_t>(most_ms) * 1'000'000ULL : 0), idle_ms_(idle_ms),
      most_ms_(most_ms), signals_(stop_signal_count())
{
}

void FlushWait::progress() { last_progress_ns_ = monotonic_ns(); }

std::optional<Error> FlushWait::give_up(std::uint64_t in_flight, const std::string &interface) const
{
    // A signal that ended the sending is no reason to stop draining; one
    // that comes during the drain is (a second Ctrl-C).
    if (stop_signal_count() != signals_)
        return Error::explained(EINTR, fmt::format("{} frames still queued on {} when a signal ended the wait",
                                                   in_flight, interface));
    const std::uint64_t now = monotonic_ns();
    if (most_ns_ != 0 && now - start_ns_ >= most_ns_)
        return Error::explained(ETIMEDOUT,
                                fmt::format("{} frames still queued on {} after {} ms", in_flight, interface, most_ms_));
    if (now - last_progress_ns_ >= idle_ns_)
        return Error::explained(ETIMEDOUT, fmt::format("{} frames still queued on {}, none sent in the last {} ms",
                                                       in_flight, interface, idle_ms_));
    return std::nullopt;
}

}  // namespace netring
