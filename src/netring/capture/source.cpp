// SPDX-License-Identifier: GPL-2.0-or-later
// The last look at a capture source after a stop.
#include "netring/capture/source.h"

#include "netring/base/clock.h"

namespace netring {

Result<std::size_t> poll_settled(CaptureSource &source, const FrameHandler &handler)
{
    bool refused = false;
    const FrameHandler counting = [&](const Frame &f) {
        refused = !handler(f);
        return !refused;
    };
    std::size_t total = 0;
    std::uint64_t now = monotonic_ns();
    const std::uint64_t until = now + static_cast<std::uint64_t>(source.settle_ms()) * 1'000'000;
    do {
        auto got = source.poll(static_cast<int>((until - now) / 1'000'000) + 1, counting);
        if (!got)
            return got.error();
        total += got.value();
        now = monotonic_ns();
    } while (now < until && !refused);
    return total;
}

}  // namespace netring
