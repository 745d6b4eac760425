// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureThread: runs one CaptureSource on its own thread and publishes what it receives in batches.
//
// The thread puts frames into FrameBatches and pushes each full batch (or one
// that has waited long enough) to the writer through an SpscChannel; the
// writer hands batches back through another. A source that can lend its
// memory (an AF_PACKET ring) gets a batch per ring block, holding views of the
// frames where the kernel wrote them; the block goes back to the kernel when
// its batch comes back. Other sources' frames are copied into the batch. The
// pool of batches is bounded: when the writer falls behind, the thread waits
// for a batch to come back, the kernel ring fills, and the kernel counts the
// drops, as it would for a slow single-threaded capture.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "netring/base/clock.h"
#include "netring/base/result.h"
#include "netring/capture/doorbell.h"
#include "netring/capture/frame_batch.h"
#include "netring/capture/loan_wait.h"
#include "netring/capture/source.h"
#include "netring/capture/spsc_channel.h"

namespace netring {

struct CaptureThreadOptions {
    std::size_t max_batches = 64;  // allocated as needed
    std::size_t batch_frames = FrameBatch::default_frames;
    // A part-filled batch is published after this long, so that frames reach
    // the writer within a bounded time at low rates.
    std::uint64_t publish_after_ns = 5'000'000;
    int poll_timeout_ms = 50;  // also how long stop() may wait for the thread
};

class CaptureThread {
public:
    // Frames from `source` get Frame::interface = index.
    CaptureThread(std::unique_ptr<CaptureSource> source, std::uint32_t index, Doorbell &doorbell,
                  const CaptureThreadOptions &options);
    ~CaptureThread();
    CaptureThread(const CaptureThread &) = delete;
    CaptureThread &operator=(const CaptureThread &) = delete;

    Status start();
    // Asks the thread to stop, without waiting; it polls settle_ms more
    // first (CaptureSource::settle_ms), for what arrived before the stop.
    void ask_to_stop(int settle_ms = 0)
    {
        settle_until_ns_.store(monotonic_ns() + static_cast<std::uint64_t>(settle_ms) * 1'000'000,
                               std::memory_order_relaxed);
        stop_.store(true, std::memory_order_release);
    }
    // Asks the thread to stop and joins it; what it captured stays published.
    // Afterwards source() and refresh_counters() may be used by the caller.
    void stop();

    // Writer side: the next published batch (nullptr when none), and giving
    // a batch back once its frames are written.
    FrameBatch *take() { return full_.pop(); }
    void give_back(FrameBatch *batch)
    {
        free_.push(batch);
        if (loan_wait_)
            loan_wait_->ring();
    }
    // The thread has ended (stopped or failed) and published all it had.
    [[nodiscard]] bool ended() const { return ended_.load(std::memory_order_acquire); }
    // Why the thread ended early, if it failed.
    [[nodiscard]] std::optional<Error> error() const;

    // The source's counters as the thread last read them (every ~200 ms).
    [[nodiscard]] SourceCounters counters() const;
    // Asks the thread to read them again at its next turn (within its poll
    // timeout). counters_served() reaches `ticket` once it has, and the read
    // began after this call: anything the caller counted before asking is
    // then covered by the counters.
    void request_counters(std::uint64_t ticket) { counters_wanted_.store(ticket, std::memory_order_release); }
    [[nodiscard]] std::uint64_t counters_served() const { return counters_served_.load(std::memory_order_acquire); }
    // Reads them now; only once stop() has returned.
    void refresh_counters();
    // How often the thread waited for the writer to give a batch back.
    [[nodiscard]] std::uint64_t stalls() const { return stalls_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::uint32_t index() const { return index_; }
    CaptureSource &source() { return *source_; }

private:
    void run();
    void run_lending();
    void run_copying();
    // Until asked to stop, and then until the settle time has passed.
    [[nodiscard]] bool polling() const
    {
        return !stop_.load(std::memory_order_acquire) ||
               monotonic_ns() < settle_until_ns_.load(std::memory_order_relaxed);
    }
    // Takes back the batches the writer is done with, and gives their loans
    // back to the source.
    void reclaim();
    FrameBatch *next_batch();
    void publish(FrameBatch *&batch);
    void update_counters();
    // After a poll: false, with the error kept for error(), when it failed
    // (after a link loss, once its last frames have had time to come).
    bool polled(Result<std::size_t> &got);
    // update_counters() when counters_every_ns have passed since `last`, or
    // when a read was asked for.
    void refresh_counters_every(std::uint64_t now, std::uint64_t &last);

    std::unique_ptr<CaptureSource> source_;
    std::uint32_t index_;
    Doorbell &doorbell_;
    CaptureThreadOptions options_;
    std::vector<std::unique_ptr<FrameBatch>> pool_;  // grown by the thread only
    std::vector<FrameBatch *> spare_;                 // the thread's, taken back from free_
    SpscChannel<FrameBatch> full_;
    SpscChannel<FrameBatch> free_;
    std::unique_ptr<LoanWait> loan_wait_;  // a lending source's: set before the thread starts
    std::size_t loans_out_ = 0;  // the thread's: batches out that hold a loan of its source's
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> settle_until_ns_{0};  // set before stop_
    std::atomic<bool> ended_{false};
    std::uint64_t link_lost_until_ns_ = 0;  // the thread's: polls go on until then after a link loss
    std::atomic<std::uint64_t> stalls_{0};
    std::atomic<std::uint64_t> counters_wanted_{0};  // the latest ticket asked for
    std::atomic<std::uint64_t> counters_served_{0};  // the latest ticket whose read is stored
    mutable std::mutex mutex_;  // guards the two below: read by the writer a few times a second
    SourceCounters counters_;
    std::optional<Error> error_;
    std::thread thread_;  // last: joined (in the destructor) before the members above go
};

}  // namespace netring
