// SPDX-License-Identifier: GPL-2.0-or-later
// LoanWait: a lending capture thread's sleep, until its source has new frames or a loan comes back.
//
// An AF_PACKET TPACKET_V3 socket polls readable for as long as its newest
// retired block is not back with the kernel, so a thread whose newest block is
// on loan to the writer cannot sleep in poll(). Watched edge-triggered through
// epoll, the same socket reports only what happens after the last wake: the
// kernel's wake-up when it retires the next block. The writer's give-backs
// come through an eventfd in the same epoll set, written only while the
// thread sleeps.
#pragma once

#include <cstdint>
#include <memory>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"
#include "netring/capture/wake_gate.h"

namespace netring {

class LoanWait {
public:
    // source_fd: the socket whose next retired block should wake us.
    static Result<std::unique_ptr<LoanWait>> open(int source_fd);

    // Writer: a loan came back.
    void ring();
    // Capture thread: what ring() has counted so far; pass it to wait().
    [[nodiscard]] std::uint32_t seen() const { return gate_.seen(); }
    // Capture thread: sleeps until the source reports something new since
    // the last wait, ring() is called after seen() returned `seen`, or
    // timeout_ms passes.
    void wait(std::uint32_t seen, int timeout_ms);

private:
    LoanWait(UniqueFd epoll, UniqueFd event) : epoll_(std::move(epoll)), event_(std::move(event)) {}

    UniqueFd epoll_;
    UniqueFd event_;
    WakeGate gate_;
};

}  // namespace netring
