// SPDX-License-Identifier: GPL-2.0-or-later
// Window bitmap bookkeeping of SequenceTracker.
#include "netring/stats/sequence_tracker.h"

#include <algorithm>

namespace netring::stats {

namespace {

// b - a as a signed distance on the 2^64 circle.
std::int64_t serial_diff(std::uint64_t b, std::uint64_t a) { return static_cast<std::int64_t>(b - a); }

}  // namespace

SequenceTracker::SequenceTracker() : bits_(window / 64, 0) {}

void SequenceTracker::begin_run(std::uint64_t s)
{
    std::fill(bits_.begin(), bits_.end(), 0);
    started_ = true;
    first_ = s;
    highest_ = s;
    span_ = 1;
    unique_ = 1;
    mark(s);
}

void SequenceTracker::advance_to(std::uint64_t s, std::uint64_t distance)
{
    // The bits of the numbers entering the window still describe numbers a
    // window ago: clear them (all of them after a jump of a whole window).
    if (distance >= window) {
        std::fill(bits_.begin(), bits_.end(), 0);
    } else {
        for (std::uint64_t k = 1; k <= distance; ++k) {
            const std::uint64_t n = highest_ + k;
            if (n % 64 == 0 && distance - k >= 63) {
                bits_[(n % window) / 64] = 0;
                k += 63;
            } else {
                bits_[(n % window) / 64] &= ~(std::uint64_t{1} << (n % 64));
            }
        }
    }
    highest_ = s;
    span_ += distance;
}

void SequenceTracker::restart(std::uint64_t s)
{
    lost_before_ += span_ - unique_;
    ++counts_.restarts;
    late_run_.clear();
    begin_run(s);
}

void SequenceTracker::add_slow(std::uint64_t s, std::uint64_t sent_ns)
{
    ++counts_.received;
    if (!started_) {
        begin_run(s);
        highest_sent_ns_ = sent_ns;
        return;
    }
    const std::int64_t ahead = serial_diff(s, highest_);
    if (ahead > 0) {
        late_run_.clear();
        advance_to(s, static_cast<std::uint64_t>(ahead));
        highest_sent_ns_ = sent_ns;
        mark(s);
        ++unique_;
        return;
    }
    if (sent_ns > highest_sent_ns_) {
        restart(s);
        highest_sent_ns_ = sent_ns;
        return;
    }
    const auto behind = static_cast<std::uint64_t>(-ahead);
    if (behind >= window) {
        handle_late(s, sent_ns);
        return;
    }
    late_run_.clear();
    if (seen(s)) {
        ++counts_.duplicated;
        return;
    }
    // Below the first number of the run: the span grows backwards over numbers
    // not seen yet, which count as lost until they come.
    if (serial_diff(s, first_) < 0) {
        span_ += static_cast<std::uint64_t>(-serial_diff(s, first_));
        first_ = s;
    }
    mark(s);
    ++unique_;
    ++counts_.reordered;
}

void SequenceTracker::handle_late(std::uint64_t s, std::uint64_t sent_ns)
{
    // A restart shows as frames close to one another, far below the highest.
    if (!late_run_.empty()) {
        const std::int64_t d = serial_diff(s, late_run_.back());
        if (d <= 0 || static_cast<std::uint64_t>(d) >= window)
            late_run_.clear();
    }
    late_run_.push_back(s);
    ++counts_.late;
    if (late_run_.size() < restart_run)
        return;
    counts_.late -= late_run_.size();
    const std::vector<std::uint64_t> run = std::move(late_run_);
    restart(run.front());
    for (std::size_t i = 1; i < run.size(); ++i) {
        advance_to(run[i], static_cast<std::uint64_t>(serial_diff(run[i], highest_)));
        mark(run[i]);
        ++unique_;
    }
    highest_sent_ns_ = sent_ns;
}

SequenceCounts SequenceTracker::counts() const
{
    SequenceCounts c = counts_;
    c.lost = lost_before_ + (span_ - unique_);
    return c;
}

}  // namespace netring::stats
