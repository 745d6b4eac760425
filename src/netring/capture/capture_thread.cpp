// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureThread: the polling loop, batch publishing and counter snapshots.
#include "netring/capture/capture_thread.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <pthread.h>

#include "netring/base/clock.h"
#include "netring/base/interface.h"

namespace netring {

namespace {

constexpr std::uint64_t counters_every_ns = 200'000'000;

// Signals go to the main thread, whose poll() they interrupt; a capture
// thread just notices the stop flag within its poll timeout.
void block_stop_signals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

CaptureThread::CaptureThread(std::unique_ptr<CaptureSource> source, std::uint32_t index, Doorbell &doorbell,
                             const CaptureThreadOptions &options)
    : source_(std::move(source)), index_(index), doorbell_(doorbell), options_(options),
      full_(options.max_batches), free_(options.max_batches)
{
    pool_.reserve(options_.max_batches);
    spare_.reserve(options_.max_batches);
}

CaptureThread::~CaptureThread() { stop(); }

Status CaptureThread::start()
{
    if (source_->loan_limit() > 0) {
        if (source_->loan_wait_fd() < 0)
            return Error::logic("a lending capture source has nothing to wait on");
        auto wait = LoanWait::open(source_->loan_wait_fd());
        if (!wait)
            return wait.error();
        loan_wait_ = std::move(wait).value();
    }
    try {
        thread_ = std::thread([this] { run(); });
    } catch (const std::system_error &e) {
        return Error::sys(e.code().value(), "start a capture thread");
    }
    return {};
}

void CaptureThread::stop()
{
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable())
        thread_.join();
}

std::optional<Error> CaptureThread::error() const
{
    std::lock_guard lock(mutex_);
    return error_;
}

SourceCounters CaptureThread::counters() const
{
    std::lock_guard lock(mutex_);
    return counters_;
}

void CaptureThread::refresh_counters() { update_counters(); }

void CaptureThread::update_counters()
{
    // Taken before the read: the read then begins after the request.
    const std::uint64_t ticket = counters_wanted_.load(std::memory_order_acquire);
    auto c = source_->counters();
    {
        std::lock_guard lock(mutex_);
        if (c)
            counters_ = c.value();
    }
    counters_served_.store(ticket, std::memory_order_release);
}

bool CaptureThread::polled(Result<std::size_t> &got)
{
    // The link went down or away: its error is kept, and the ring's last
    // block, which retires on its timeout without the device, is still taken.
    if (link_lost_until_ns_ != 0) {
        if (!got)
            got = std::size_t{0};
        return monotonic_ns() < link_lost_until_ns_;
    }
    if (got)
        return true;
    {
        std::lock_guard lock(mutex_);
        error_ = got.error();
    }
    if (!is_link_loss(got.error()))
        return false;
    link_lost_until_ns_ = monotonic_ns() + static_cast<std::uint64_t>(source_->settle_ms()) * 1'000'000;
    got = std::size_t{0};
    return true;
}

void CaptureThread::refresh_counters_every(std::uint64_t now, std::uint64_t &last)
{
    if (now - last < counters_every_ns &&
        counters_wanted_.load(std::memory_order_relaxed) == counters_served_.load(std::memory_order_relaxed))
        return;
    last = now;
    update_counters();
}

void CaptureThread::reclaim()
{
    while (FrameBatch *b = free_.pop()) {
        if (auto loan = b->loan()) {
            source_->give_back(*loan);
            --loans_out_;
        }
        b->clear();
        spare_.push_back(b);
    }
}

FrameBatch *CaptureThread::next_batch()
{
    for (bool waited = false;; waited = true) {
        // The writer gives batches back oldest first; the last one back is
        // the likeliest still in cache, so spares are used last in, first out.
        reclaim();
        if (!spare_.empty()) {
            FrameBatch *b = spare_.back();
            spare_.pop_back();
            return b;
        }
        if (pool_.size() < options_.max_batches) {
            // A lent batch holds no frames of its own.
            const bool lends = source_->loan_limit() > 0;
            return pool_
                .emplace_back(std::make_unique<FrameBatch>(lends ? 0 : FrameBatch::default_bytes,
                                                           lends ? 0 : options_.batch_frames))
                .get();
        }
        if (stop_.load(std::memory_order_relaxed))
            return nullptr;
        if (!waited)
            stalls_.fetch_add(1, std::memory_order_relaxed);
        // The writer is behind; it gives batches back within milliseconds.
        const timespec pause{0, 50'000};
        ::nanosleep(&pause, nullptr);
    }
}

void CaptureThread::publish(FrameBatch *&batch)
{
    if (batch == nullptr)
        return;
    if (batch->empty()) {
        spare_.push_back(batch);
    } else {
        // Cannot fail: the channel has room for every batch of the pool.
        full_.push(batch);
        doorbell_.ring();
    }
    batch = nullptr;
}

void CaptureThread::run()
{
    block_stop_signals();
    if (source_->loan_limit() > 0)
        run_lending();
    else
        run_copying();
    ended_.store(true, std::memory_order_release);
    doorbell_.ring();
}

void CaptureThread::run_lending()
{
    // A batch per loan (ring block): the writer reads the frames where the
    // kernel put them, and the block goes back to the kernel when the batch
    // comes back here. Blocks retire when full or after the ring's block
    // timeout, so no batch waits here part-filled.
    const CaptureSource::LendHandler lend = [&](std::uint32_t id, LentFrames &frames) {
        FrameBatch *batch = next_batch();
        if (batch == nullptr) {
            source_->give_back(id);  // stopping while the writer holds every batch
            return;
        }
        batch->lend(id, frames, index_);
        ++loans_out_;
        publish(batch);
    };
    std::uint64_t last_counters = 0;
    while (polling()) {
        reclaim();
        auto got = source_->poll_lending(options_.poll_timeout_ms, lend);
        if (!polled(got))
            break;
        if (got.value() == 0 && source_->waiting_for_loans()) {
            // The kernel goes on filling the blocks after the lent ones: we
            // look at them as soon as it retires one (the writer may be
            // holding our batches for the reorder window, and spills them
            // only once it sees more: MergedSource::spill), or when a batch
            // comes back.
            const std::uint32_t seen = loan_wait_->seen();
            reclaim();
            if (source_->waiting_for_loans())
                loan_wait_->wait(seen, options_.poll_timeout_ms);
        }
        refresh_counters_every(monotonic_ns(), last_counters);
    }
}

void CaptureThread::run_copying()
{
    FrameBatch *current = nullptr;
    std::uint64_t first_ns = 0;  // when the current batch got its first frame
    const FrameHandler handler = [&](const Frame &f) {
        if (current != nullptr && current->append(f, index_))
            return true;
        publish(current);
        current = next_batch();
        if (current == nullptr)
            return false;  // stopping while the writer holds every batch
        first_ns = monotonic_ns();
        // An empty batch holds a frame of the largest snap length.
        current->append(f, index_);
        return true;
    };

    std::uint64_t last_counters = 0;
    while (polling()) {
        int timeout = options_.poll_timeout_ms;
        const std::uint64_t now = monotonic_ns();
        if (current != nullptr) {
            const std::uint64_t due = first_ns + options_.publish_after_ns;
            timeout = due <= now ? 0 : static_cast<int>(std::min<std::uint64_t>(timeout, (due - now) / 1'000'000 + 1));
        }
        auto got = source_->poll(timeout, handler);
        if (!polled(got))
            break;
        const std::uint64_t after = monotonic_ns();
        if (current != nullptr && (got.value() == 0 || after - first_ns >= options_.publish_after_ns))
            publish(current);
        refresh_counters_every(after, last_counters);
    }
    publish(current);
}

}  // namespace netring
