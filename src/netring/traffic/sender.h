// SPDX-License-Identifier: GPL-2.0-or-later
// FrameSender: a transmit backend (AF_PACKET TX ring, AF_XDP TX ring).
#pragma once

#include <cstdint>

#include "netring/base/result.h"

namespace netring {

// Frames are queued, kicked out, and counted only once the kernel reports
// them complete (Completion ring, or TX slot back to available).
class FrameSender {
public:
    virtual ~FrameSender() = default;

    // Copies a frame into the next free slot; false when all are in flight.
    virtual bool queue(const std::uint8_t *data, std::uint32_t len) = 0;
    // Makes the kernel start sending what is queued, without blocking.
    virtual Status kick() = 0;
    // Collects completions; returns how many frames completed.
    virtual std::size_t reap() = 0;
    // Kicks and waits for every queued frame to complete. The wait goes on
    // as long as frames keep completing (a shaped link drains a full ring
    // slowly) and gives up, with the number still queued, after idle_ms
    // without a completion or most_ms in all (ETIMEDOUT; most_ms 0: no such
    // limit), or at once when a stop signal arrives during it (EINTR).
    virtual Status flush(int idle_ms, int most_ms) = 0;
    [[nodiscard]] virtual std::uint64_t completed() const = 0;
    // The bytes of those completed frames: what was sent, which is less than
    // what was queued when a flush gives up.
    [[nodiscard]] virtual std::uint64_t completed_bytes() const = 0;
    // The largest frame a slot holds.
    [[nodiscard]] virtual std::uint32_t max_frame() const = 0;
};

}  // namespace netring
