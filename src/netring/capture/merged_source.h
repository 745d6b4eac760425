// SPDX-License-Identifier: GPL-2.0-or-later
// MergedSource: several CaptureSources, each on its own thread, read as one stream in timestamp order.
//
// Each source runs on a CaptureThread. The writer (whoever calls poll())
// merges their batches: it hands over the frame with the smallest timestamp
// among the threads' oldest frames. A thread with nothing published may still
// hold older frames (in its kernel ring, or in a batch it has not published
// yet), so a frame is handed over only when every such thread has been quiet
// for the reorder window: a frame with timestamp T waits until the wall clock
// passes T + window. The window bounds how late a frame may reach us (the
// AF_PACKET block timeout, 50 ms, plus the 5 ms a part-filled batch waits, plus
// scheduling), and how long frames are held when a queue is idle. A frame
// that still comes later than that is written anyway, out of order, and
// counted (late_frames).
//
// With ordered = false, frames are handed over as the batches come.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "netring/capture/capture_thread.h"
#include "netring/capture/doorbell.h"
#include "netring/capture/source.h"

namespace netring {

struct MergeOptions {
    bool ordered = true;
    std::uint64_t window_ns = 100'000'000;
    CaptureThreadOptions thread;
};

class MergedSource final : public CaptureSource {
public:
    // Frames from sources[i] get Frame::interface = i. No thread runs yet.
    static std::unique_ptr<MergedSource> create(std::vector<std::unique_ptr<CaptureSource>> sources,
                                                const MergeOptions &options);
    // Starts the threads. Separate from create() so that a caller can give up
    // privileges in between: capabilities belong to each thread, and threads
    // started before the drop would keep theirs.
    Status start();
    ~MergedSource() override;

    Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) override;
    // Sums over the threads; the interface's own counters are counted once.
    Result<SourceCounters> counters() override;
    // The threads' longest wait, then the reorder window.
    [[nodiscard]] int settle_ms() const override;

    // Stops every thread, then hands over every frame they captured, in
    // order. With settle, each thread first polls for its source's settle
    // time (a stop by signal or time limit). Call once, at the end; poll()
    // must not be called afterwards.
    std::size_t stop_and_drain(const FrameHandler &handler, bool settle = false);
    // Stops every thread and reads its final counters, handing nothing over:
    // for a capture that takes no more frames (a count reached, a failed
    // write), where a frame offered and refused would count as delivered.
    void stop(bool settle = false);

    [[nodiscard]] std::size_t size() const { return lanes_.size(); }
    // Per thread: its source's counters, and the frames it handed over.
    [[nodiscard]] SourceCounters counters_of(std::size_t i) const { return lanes_[i].thread->counters(); }
    [[nodiscard]] std::uint64_t delivered_by(std::size_t i) const { return lanes_[i].delivered; }
    // Asks every thread to read its counters again. Once counters_fresh(),
    // counters_of() covers every frame delivered before the request: the
    // threads' own snapshots, up to 200 ms old, may lag behind delivered_by().
    void request_counters();
    [[nodiscard]] bool counters_fresh() const;
    [[nodiscard]] std::uint64_t stalls_of(std::size_t i) const { return lanes_[i].thread->stalls(); }
    // Frames handed over with a timestamp older than one handed over before.
    [[nodiscard]] std::uint64_t late_frames() const { return late_; }

private:
    struct Held {
        FrameBatch *batch;
        std::unique_ptr<FrameBatch> spilled;  // set when batch is our copy of a lent one
    };
    struct Lane {
        std::unique_ptr<CaptureThread> thread;
        std::deque<Held> batches;  // published, not yet fully handed over
        std::uint64_t delivered = 0;
        // The thread had ended when its batches were last collected: nothing
        // more will come from it, so it holds no frame back.
        bool ended = false;
        std::size_t loans_held = 0;    // of batches: the thread's, holding a loan of its source's
        std::size_t spill_at = 0;      // loans_held that makes us spill (0: its source does not lend)
        std::size_t spilled_bytes = 0;  // in our copies
        [[nodiscard]] const Frame *head() const
        {
            return batches.empty() ? nullptr : batches.front().batch->head();
        }
    };

    explicit MergedSource(const MergeOptions &options) : options_(options) {}
    void collect();
    std::size_t emit(const FrameHandler &handler, bool final, bool &stopped);
    std::size_t emit_unordered(const FrameHandler &handler, bool &stopped);
    // Hands over the lane's frames up to the first one stamped later than
    // limit, adding them to n; false when the handler asked to stop.
    bool hand_over_until(Lane &lane, std::uint64_t limit, const FrameHandler &handler, std::size_t &n);
    // With no thread quiet: hands over the frames of every lane's front batch
    // in timestamp order, one at a time, until one of those batches is done;
    // false when the handler asked to stop.
    bool merge_fronts(const FrameHandler &handler, std::size_t &n);
    // Counts a frame handed over, late or not.
    void note_order(const Frame &f)
    {
        if (f.ts_ns < last_ts_)
            ++late_;
        else
            last_ts_ = f.ts_ns;
    }
    // The lane's front batch's head has been handed over.
    void pop_front_frame(Lane &lane, std::size_t &n);
    // The lane's front batch is all handed over: it goes back.
    void finish_front(Lane &lane);
    // Copies the frames of the lane's lent batches into batches of our own
    // and gives the loans back, once it holds spill_at of them: the kernel
    // cannot fill a ring block that is on loan, nor any after it, and the
    // reorder window may hold a busy thread's batches for as long as another
    // thread is quiet.
    void spill(Lane &lane);
    // The first failure of a thread, once every thread's frames are out.
    std::optional<Error> failure() const;

    MergeOptions options_;
    Doorbell doorbell_;  // before lanes_: the threads ring it until they are joined
    std::vector<Lane> lanes_;
    struct Cursor {
        const Frame *at;
        FrameBatch *batch;  // the lane's front batch
        Lane *lane;
    };
    std::vector<Cursor> cursors_;  // merge_fronts's, kept for its capacity
    std::uint64_t last_ts_ = 0;
    std::uint64_t late_ = 0;
    std::uint64_t counters_ticket_ = 0;
};

}  // namespace netring
