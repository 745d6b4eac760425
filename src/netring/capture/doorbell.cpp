// SPDX-License-Identifier: GPL-2.0-or-later
// Doorbell on a futex.
#include "netring/capture/doorbell.h"

#include <ctime>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace netring {

void Doorbell::ring()
{
    if (gate_.ring())
        ::syscall(SYS_futex, gate_.word(), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

void Doorbell::wait(std::uint32_t seen, int timeout_ms)
{
    if (timeout_ms <= 0)
        return;
    gate_.sleep_unless_rung(seen, [&] {
        const timespec ts{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1'000'000L};
        // Returns at once (EAGAIN) if the word moved on since the check.
        ::syscall(SYS_futex, gate_.word(), FUTEX_WAIT_PRIVATE, seen, &ts, nullptr, 0);
    });
}

}  // namespace netring
