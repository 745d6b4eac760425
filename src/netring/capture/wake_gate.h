// SPDX-License-Identifier: GPL-2.0-or-later
// WakeGate: the count and sleeping flag by which one thread wakes another that sleeps with a timeout, with no system call while it is awake.
#pragma once

#include <atomic>
#include <cstdint>

namespace netring {

// The count of rings and the sleeping flag; how the sleeper sleeps and how it
// is woken (a futex, an eventfd) is the user's.
class WakeGate {
public:
    // Ringer: counts a ring; true when the sleeper must be woken.
    bool ring()
    {
        rings_.fetch_add(1, std::memory_order_seq_cst);
        return sleeping_.load(std::memory_order_seq_cst);
    }
    // Sleeper: what ring() has counted so far; pass it to sleep_unless_rung().
    [[nodiscard]] std::uint32_t seen() const { return rings_.load(std::memory_order_seq_cst); }
    // Sleeper: calls sleep() unless ring() was called after seen() returned `seen`.
    template <typename Sleep>
    void sleep_unless_rung(std::uint32_t seen, Sleep &&sleep)
    {
        sleeping_.store(true, std::memory_order_seq_cst);
        if (rings_.load(std::memory_order_seq_cst) == seen)
            sleep();
        sleeping_.store(false, std::memory_order_seq_cst);
    }
    // The count, for a futex: std::atomic<uint32_t> is lock-free and has the
    // layout of a plain uint32_t on Linux.
    std::uint32_t *word() { return reinterpret_cast<std::uint32_t *>(&rings_); }

private:
    static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
    // seq_cst on both, Dekker style: either the sleeper sees the new count
    // before it sleeps, or the ringer sees it sleeping and wakes it.
    std::atomic<std::uint32_t> rings_{0};
    std::atomic<bool> sleeping_{false};
};

}  // namespace netring
