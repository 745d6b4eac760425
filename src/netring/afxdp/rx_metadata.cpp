// SPDX-License-Identifier: GPL-2.0-or-later
// Offsets between the kernel's stamping clocks and CLOCK_REALTIME.
#include "netring/afxdp/rx_metadata.h"

#include "netring/base/clock.h"

namespace netring::xdp {

namespace {

// Offset of `clock` against REALTIME, read between two REALTIME reads so that
// the midpoint brackets it.
std::int64_t offset_of(clockid_t clock)
{
    const std::uint64_t before = realtime_ns();
    const std::uint64_t value = clock_ns(clock);
    const std::uint64_t after = realtime_ns();
    return static_cast<std::int64_t>(value) - static_cast<std::int64_t>(before + (after - before) / 2);
}

}  // namespace

std::int64_t whole_seconds(std::int64_t ns)
{
    return (ns + (ns >= 0 ? 500'000'000 : -500'000'000)) / 1'000'000'000 * 1'000'000'000;
}

void KernelClock::sample()
{
    tai_minus_real_ = whole_seconds(offset_of(CLOCK_TAI));
    mono_minus_real_ = offset_of(CLOCK_MONOTONIC);
}

std::uint64_t KernelClock::to_realtime(std::uint64_t ns, std::uint32_t clock) const
{
    switch (clock) {
    case CLOCK_TAI: return static_cast<std::uint64_t>(static_cast<std::int64_t>(ns) - tai_minus_real_);
    case CLOCK_MONOTONIC: return static_cast<std::uint64_t>(static_cast<std::int64_t>(ns) - mono_minus_real_);
    default: return 0;
    }
}

}  // namespace netring::xdp
