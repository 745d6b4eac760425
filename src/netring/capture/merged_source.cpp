// SPDX-License-Identifier: GPL-2.0-or-later
// MergedSource: collecting the threads' batches and handing frames over in timestamp order.
#include "netring/capture/merged_source.h"

#include <algorithm>
#include <limits>

#include "netring/base/clock.h"

namespace netring {

std::unique_ptr<MergedSource> MergedSource::create(std::vector<std::unique_ptr<CaptureSource>> sources,
                                                   const MergeOptions &options)
{
    std::unique_ptr<MergedSource> merged(new MergedSource(options));
    merged->lanes_.resize(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
        // A quarter of a lending ring may wait here for the window; beyond
        // that the kernel would soon run out of blocks.
        if (const std::size_t limit = sources[i]->loan_limit(); limit > 0)
            merged->lanes_[i].spill_at = std::max<std::size_t>(1, limit / 4);
        merged->lanes_[i].thread = std::make_unique<CaptureThread>(
            std::move(sources[i]), static_cast<std::uint32_t>(i), merged->doorbell_, options.thread);
    }
    return merged;
}

Status MergedSource::start()
{
    for (auto &lane : lanes_)
        if (auto st = lane.thread->start(); !st)
            return st;  // the destructor joins those already started
    return {};
}

MergedSource::~MergedSource()
{
    for (auto &lane : lanes_)
        lane.thread->ask_to_stop();
}

void MergedSource::collect()
{
    for (auto &lane : lanes_) {
        // Acquire before popping: a thread publishes everything before it
        // says it has ended, so an ended thread's last batch is seen here.
        lane.ended = lane.thread->ended();
        while (FrameBatch *b = lane.thread->take()) {
            b->start();
            if (b->head() == nullptr) {
                lane.thread->give_back(b);  // a lent block whose every frame was filtered out
                continue;
            }
            lane.loans_held += b->loan() ? 1 : 0;
            lane.batches.push_back(Held{b, nullptr});
        }
    }
}

bool MergedSource::hand_over_until(Lane &lane, std::uint64_t limit, const FrameHandler &handler, std::size_t &n)
{
    while (const Frame *f = lane.head()) {
        if (f->ts_ns > limit)
            return true;
        note_order(*f);
        const bool go_on = handler(*f);
        pop_front_frame(lane, n);
        if (!go_on)
            return false;
    }
    return true;
}

void MergedSource::pop_front_frame(Lane &lane, std::size_t &n)
{
    ++n;
    ++lane.delivered;
    FrameBatch &batch = *lane.batches.front().batch;
    batch.pop();
    if (batch.head() == nullptr)
        finish_front(lane);
}

void MergedSource::finish_front(Lane &lane)
{
    // After the handler: the frames' bytes live in the batch, or in the loan
    // it holds.
    Held &front = lane.batches.front();
    if (front.spilled) {
        lane.spilled_bytes -= front.batch->bytes();
    } else {
        lane.loans_held -= front.batch->loan() ? 1 : 0;
        lane.thread->give_back(front.batch);
    }
    lane.batches.pop_front();
}

// With flows hashed over the threads, consecutive frames come from any lane:
// runs of two frames on average with two threads. Finding every lane's head
// again for each run cost more than the frames' own merge, so this keeps a
// cursor per lane and compares timestamps in place.
bool MergedSource::merge_fronts(const FrameHandler &handler, std::size_t &n)
{
    cursors_.clear();
    for (auto &lane : lanes_)
        if (const Frame *h = lane.head())
            cursors_.push_back({h, lane.batches.front().batch, &lane});
    if (cursors_.empty())
        return true;
    for (;;) {
        // Which lane comes next is a coin toss with flows hashed over the
        // threads: a select, not a branch to mispredict.
        Cursor *c = &cursors_.front();
        for (Cursor &other : cursors_)
            c = other.at->ts_ns < c->at->ts_ns ? &other : c;
        note_order(*c->at);
        const bool go_on = handler(*c->at);
        Lane &lane = *c->lane;
        ++n;
        ++lane.delivered;
        c->batch->pop();
        c->at = c->batch->head();
        if (c->at == nullptr)
            finish_front(lane);
        if (!go_on)
            return false;
        if (c->at == nullptr)
            return true;
    }
}

void MergedSource::spill(Lane &lane)
{
    if (lane.spill_at == 0 || lane.loans_held < lane.spill_at)
        return;
    // As much again as a thread's own pool of batches may hold.
    const std::size_t max_bytes = options_.thread.max_batches * FrameBatch::default_bytes;
    for (Held &h : lane.batches) {
        LentFrames *lent = h.spilled ? nullptr : h.batch->lent();
        if (lent == nullptr)
            continue;
        // Bounds for what is left (a ring block's length and frame count).
        const std::size_t bytes = lent->max_bytes();
        if (lane.spilled_bytes + bytes > max_bytes)
            return;  // the ring is all there is left
        auto copy = std::make_unique<FrameBatch>(bytes, lent->max_frames());
        for (const Frame *f = h.batch->head(); f != nullptr; f = h.batch->head()) {
            copy->append(*f, f->interface);
            h.batch->pop();
        }
        copy->start();
        lane.spilled_bytes += copy->bytes();
        --lane.loans_held;
        lane.thread->give_back(h.batch);
        h.batch = copy.get();
        h.spilled = std::move(copy);
    }
}

std::size_t MergedSource::emit(const FrameHandler &handler, bool final, bool &stopped)
{
    std::size_t n = 0;
    const std::uint64_t now = realtime_ns();
    for (;;) {
        Lane *best = nullptr;
        std::uint64_t best_ts = 0;
        std::uint64_t second = std::numeric_limits<std::uint64_t>::max();
        bool quiet_lane = false;  // a running thread with nothing published may hold older frames
        for (auto &lane : lanes_) {
            if (const Frame *h = lane.head()) {
                if (best == nullptr || h->ts_ns < best_ts) {
                    if (best != nullptr)
                        second = best_ts;
                    best = &lane;
                    best_ts = h->ts_ns;
                } else {
                    second = std::min(second, h->ts_ns);
                }
            } else if (!lane.ended) {
                quiet_lane = true;
            }
        }
        if (best == nullptr)
            return n;
        if (!quiet_lane) {
            // Nothing can come older than the heads on hand.
            if (!merge_fronts(handler, n)) {
                stopped = true;
                return n;
            }
            continue;
        }
        // The run of this lane's frames that no other lane's head precedes:
        // each is the smallest timestamp on hand. While a thread is quiet,
        // only those older than the window may go.
        std::uint64_t limit = second;
        if (quiet_lane && !final)
            limit = std::min(limit, now >= options_.window_ns ? now - options_.window_ns : 0);
        if (best_ts > limit)
            return n;  // the oldest frame on hand must wait, so must all
        if (!hand_over_until(*best, limit, handler, n)) {
            stopped = true;
            return n;
        }
    }
}

std::size_t MergedSource::emit_unordered(const FrameHandler &handler, bool &stopped)
{
    std::size_t n = 0;
    for (auto &lane : lanes_) {
        if (!hand_over_until(lane, std::numeric_limits<std::uint64_t>::max(), handler, n)) {
            stopped = true;
            return n;
        }
    }
    return n;
}

std::optional<Error> MergedSource::failure() const
{
    for (const auto &lane : lanes_)
        if (lane.ended && lane.batches.empty())
            if (auto e = lane.thread->error())
                return e;
    return std::nullopt;
}

Result<std::size_t> MergedSource::poll(int timeout_ms, const FrameHandler &handler)
{
    const std::uint64_t deadline = monotonic_ns() + static_cast<std::uint64_t>(timeout_ms) * 1'000'000;
    for (;;) {
        const std::uint32_t seen = doorbell_.seen();
        collect();
        for (auto &lane : lanes_)
            spill(lane);
        bool stopped = false;
        const std::size_t n = options_.ordered ? emit(handler, false, stopped) : emit_unordered(handler, stopped);
        if (n != 0 || stopped)
            return n;
        if (auto e = failure())
            return *e;
        const std::uint64_t now = monotonic_ns();
        if (now >= deadline)
            return std::size_t{0};
        std::uint64_t wait_ns = deadline - now;
        // Frames waiting for the window: wake when the oldest may go.
        std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
        for (const auto &lane : lanes_)
            if (const Frame *h = lane.head())
                oldest = std::min(oldest, h->ts_ns);
        if (oldest != std::numeric_limits<std::uint64_t>::max()) {
            const std::uint64_t due = oldest + options_.window_ns;
            const std::uint64_t real = realtime_ns();
            wait_ns = std::min(wait_ns, due > real ? due - real : 0);
        }
        doorbell_.wait(seen, static_cast<int>(wait_ns / 1'000'000) + 1);
    }
}

void MergedSource::stop(bool settle)
{
    for (auto &lane : lanes_)
        lane.thread->ask_to_stop(settle ? lane.thread->source().settle_ms() : 0);
    for (auto &lane : lanes_) {
        lane.thread->stop();
        lane.thread->refresh_counters();
    }
}

std::size_t MergedSource::stop_and_drain(const FrameHandler &handler, bool settle)
{
    stop(settle);
    collect();
    bool stopped = false;
    const std::size_t n = options_.ordered ? emit(handler, true, stopped) : emit_unordered(handler, stopped);
    // The frames of lent blocks that the reading just now filtered out.
    for (auto &lane : lanes_)
        lane.thread->refresh_counters();
    return n;
}

void MergedSource::request_counters()
{
    ++counters_ticket_;
    for (auto &lane : lanes_)
        lane.thread->request_counters(counters_ticket_);
}

bool MergedSource::counters_fresh() const
{
    return std::all_of(lanes_.begin(), lanes_.end(), [&](const Lane &lane) {
        return lane.thread->ended() || lane.thread->counters_served() >= counters_ticket_;
    });
}

int MergedSource::settle_ms() const
{
    int most = 0;
    for (const auto &lane : lanes_)
        most = std::max(most, lane.thread->source().settle_ms());
    return most + static_cast<int>(options_.window_ns / 1'000'000);
}

Result<SourceCounters> MergedSource::counters()
{
    SourceCounters sum;
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
        const SourceCounters c = lanes_[i].thread->counters();
        sum.received += c.received;
        sum.dropped += c.dropped;
        if (i == 0) {
            sum.if_received = c.if_received;
            sum.if_dropped = c.if_dropped;
        }
    }
    return sum;
}

}  // namespace netring
