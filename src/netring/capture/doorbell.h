// SPDX-License-Identifier: GPL-2.0-or-later
// Doorbell: lets capture threads wake a writer that sleeps with a timeout, with no system call while it is awake.
#pragma once

#include <cstdint>

#include "netring/capture/wake_gate.h"

namespace netring {

// Lets capture threads wake a writer that sleeps on a futex.
class Doorbell {
public:
    // Capture thread: something was published.
    void ring();
    // Writer: what ring() has counted so far; pass it to wait().
    [[nodiscard]] std::uint32_t seen() const { return gate_.seen(); }
    // Writer: sleeps until ring() is called after seen() returned `seen`, or timeout_ms passes.
    void wait(std::uint32_t seen, int timeout_ms);

private:
    WakeGate gate_;
};

}  // namespace netring
