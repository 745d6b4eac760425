// SPDX-License-Identifier: GPL-2.0-or-later
// Doorbell on a futex.
#include "netring/capture/doorbell.h"

#include <ctime>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace netring {

namespace {

// The futex word is the atomic's value: std::atomic<uint32_t> is lock-free
// and has the layout of a plain uint32_t on Linux.
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

std::uint32_t *word(std::atomic<std::uint32_t> &a) { return reinterpret_cast<std::uint32_t *>(&a); }

}  // namespace

void Doorbell::ring()
{
    rings_.fetch_add(1, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst))
        ::syscall(SYS_futex, word(rings_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

void Doorbell::wait(std::uint32_t seen, int timeout_ms)
{
    if (timeout_ms <= 0)
        return;
    sleeping_.store(true, std::memory_order_seq_cst);
    if (rings_.load(std::memory_order_seq_cst) == seen) {
        const timespec ts{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1'000'000L};
        // Returns at once (EAGAIN) if the word moved on since the check above.
        ::syscall(SYS_futex, word(rings_), FUTEX_WAIT_PRIVATE, seen, &ts, nullptr, 0);
    }
    sleeping_.store(false, std::memory_order_seq_cst);
}

}  // namespace netring
