// SPDX-License-Identifier: GPL-2.0-or-later
// Doorbell: lets capture threads wake a writer that sleeps with a timeout, with no system call while it is awake.
#pragma once

#include <atomic>
#include <cstdint>

namespace netring {

class Doorbell {
public:
    // Capture thread: something was published.
    void ring();
    // Writer: what ring() has counted so far; pass it to wait().
    [[nodiscard]] std::uint32_t seen() const { return rings_.load(std::memory_order_seq_cst); }
    // Writer: sleeps until ring() is called after seen() returned `seen`, or timeout_ms passes.
    void wait(std::uint32_t seen, int timeout_ms);

private:
    // seq_cst on both, Dekker style: either the writer sees the new count
    // before it sleeps, or the ringer sees it sleeping and wakes it.
    std::atomic<std::uint32_t> rings_{0};
    std::atomic<bool> sleeping_{false};
};

}  // namespace netring
