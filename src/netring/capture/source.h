// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureSource: a backend that receives frames (AF_PACKET ring, AF_XDP socket).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "netring/base/result.h"
#include "netring/pcap/frame.h"

namespace netring {

// Kernel-side counters of a source, cumulative since it opened.
struct SourceCounters {
    std::uint64_t received = 0;  // accepted by the kernel filter / redirected to us
    std::uint64_t dropped = 0;   // lost because our ring was full
    std::uint64_t if_dropped = 0;  // dropped by the interface (link counters)
    std::uint64_t if_received = 0; // received by the interface (link counters)
};

// Called for each frame. The frame's memory is valid only during the call.
// Returning false stops the batch early (count reached, output failed).
using FrameHandler = std::function<bool(const Frame &)>;

// The frames of one unit of a source's lent memory, read by whoever holds
// the loan (see CaptureSource::poll_lending), a few dozen at a time: one call
// per frame cost more than the reading.
class LentFrames {
public:
    // Reads up to `room` of the next frames into `out`; 0 after the last.
    // Their bytes stay valid until the loan goes back.
    virtual std::size_t read(Frame *out, std::size_t room) = 0;
    // At least the bytes and the number of the frames left to read: room
    // enough to copy them all.
    [[nodiscard]] virtual std::size_t max_bytes() const = 0;
    [[nodiscard]] virtual std::size_t max_frames() const = 0;

protected:
    ~LentFrames() = default;
};

class CaptureSource {
public:
    virtual ~CaptureSource() = default;

    // Waits up to timeout_ms for frames, hands every ready one to handler
    // and returns how many it handed over (0 on timeout or EINTR).
    virtual Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) = 0;
    virtual Result<SourceCounters> counters() = 0;
    // How long a frame the kernel has taken may wait before poll() can hand
    // it over (a part-filled ring block waits for its timeout). A capture
    // stopped by a signal or a time limit polls this long more, so that what
    // arrived before the stop is in the file.
    [[nodiscard]] virtual int settle_ms() const { return 0; }

    // Lending, for a source whose frames live in kernel memory that it can
    // keep from the kernel for a while (an AF_PACKET ring's blocks): a thread
    // hands the writer whole units of that memory, and the writer reads the
    // frames where they lie; the thread never touches them. poll_lending()
    // waits as poll() does, then calls lend(id, frames) for each unit that
    // is ready. That memory, and `frames` that reads it, stay the holder's
    // until give_back(id). The kernel cannot refill what is on loan, so
    // loans must come back soon. Returns how many frames the kernel put in
    // the units lent (some may yet be filtered out as they are read).
    // loan_limit(): how many units the source has (0: it does not lend).
    using LendHandler = std::function<void(std::uint32_t, LentFrames &)>;
    [[nodiscard]] virtual std::size_t loan_limit() const { return 0; }
    virtual Result<std::size_t> poll_lending(int timeout_ms, const LendHandler &lend)
    {
        (void)timeout_ms, (void)lend;
        return Error::logic("this capture source cannot lend its frames");
    }
    virtual void give_back(std::uint32_t loan) { (void)loan; }
    // Nothing can be waited for but a loan coming back: poll_lending() then
    // returns at once rather than wait (an AF_PACKET ring's poll() reports
    // ready for as long as its newest block is ours).
    [[nodiscard]] virtual bool waiting_for_loans() const { return false; }
    // What the thread then watches, edge-triggered, besides loans coming
    // back: an fd woken as the source's next unit of memory fills (an
    // AF_PACKET socket, as each ring block retires). -1: none.
    [[nodiscard]] virtual int loan_wait_fd() const { return -1; }
};

// After a stop: polls the source for its settle_ms() (at least once), so that
// the frames the kernel took before the stop are handed over too. Ends early
// when the handler refuses a frame; returns how many it handed over.
Result<std::size_t> poll_settled(CaptureSource &source, const FrameHandler &handler);

}  // namespace netring
