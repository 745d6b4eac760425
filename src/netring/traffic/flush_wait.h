// SPDX-License-Identifier: GPL-2.0-or-later
// FlushWait: when a TX backend's flush stops waiting for its ring to drain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "netring/base/result.h"

namespace netring {

// The rules of FrameSender::flush, shared by the backends: a link shaped to
// a few Mbit/s takes many seconds to drain a full ring, which is no failure
// as long as frames keep completing.
class FlushWait {
public:
    FlushWait(int idle_ms, int most_ms);
    // A frame completed: the idle limit starts again.
    void progress();
    // Whether to stop waiting with `in_flight` frames still queued on
    // `interface`: the error to return (ETIMEDOUT, or EINTR for a signal
    // that arrived during the wait), or nullopt to go on.
    [[nodiscard]] std::optional<Error> give_up(std::uint64_t in_flight, const std::string &interface) const;

private:
    std::uint64_t start_ns_;
    std::uint64_t last_progress_ns_;
    std::uint64_t idle_ns_;
    std::uint64_t most_ns_;  // 0: no limit
    int idle_ms_;
    int most_ms_;
    unsigned signals_;  // stop signals seen before the wait
};

}  // namespace netring
