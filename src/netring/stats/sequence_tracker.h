// SPDX-License-Identifier: GPL-2.0-or-later
// SequenceTracker: loss, duplicates and reordering of one stream from its 64-bit sequence numbers.
#pragma once

#include <cstdint>
#include <vector>

namespace netring::stats {

struct SequenceCounts {
    std::uint64_t received = 0;    // every frame, duplicates included
    std::uint64_t lost = 0;        // numbers between the first and the highest seen that never came
    std::uint64_t duplicated = 0;  // a number seen before
    std::uint64_t reordered = 0;   // came after a higher number (and was no duplicate)
    std::uint64_t late = 0;        // too far behind (> window) to tell; counted neither way, stays lost
    std::uint64_t restarts = 0;    // the sender started over from a lower number
};

// Sequence numbers are compared in serial-number arithmetic (RFC 1982) over
// 64 bits, so a stream that passes 2^64 - 1 and goes on at 0 is in order.
// Which numbers were seen is kept for the last `window` numbers below the
// highest: duplicates and reordering are exact within that distance.
//
// A sender that starts over (xdp-tx run again with the same stream id) sends
// numbers at or below the highest, but stamped later than the highest was:
// a duplicate or a reordered frame left the sender before it. Such a frame
// begins a new run; the old run's losses are kept in the totals. Should the
// sender's clock have stepped back, a restart shows instead as numbers far
// below the highest: after restart_run such "late" frames in a row, the
// tracker takes them for a new run from the first of them.
class SequenceTracker {
public:
    static constexpr std::uint64_t window = 1 << 16;
    static constexpr std::size_t restart_run = 64;

    SequenceTracker();

    // sent_ns: the sender's stamp. The common case inline (the next number);
    // everything else out of line.
    void add(std::uint64_t sequence, std::uint64_t sent_ns)
    {
        if (started_ && sequence == highest_ + 1) [[likely]] {
            ++counts_.received;
            late_run_.clear();
            // Entering the window, the number's bit is cleared and set again: set.
            mark(sequence);
            highest_ = sequence;
            highest_sent_ns_ = sent_ns;
            ++span_;
            ++unique_;
            return;
        }
        add_slow(sequence, sent_ns);
    }
    [[nodiscard]] SequenceCounts counts() const;

private:
    void add_slow(std::uint64_t sequence, std::uint64_t sent_ns);
    void begin_run(std::uint64_t sequence);
    // The current run ends (its losses kept) and a new one begins at sequence.
    void restart(std::uint64_t sequence);
    void advance_to(std::uint64_t sequence, std::uint64_t distance);
    [[nodiscard]] bool seen(std::uint64_t s) const { return (bits_[(s % window) / 64] >> (s % 64)) & 1U; }
    void mark(std::uint64_t s) { bits_[(s % window) / 64] |= std::uint64_t{1} << (s % 64); }
    void handle_late(std::uint64_t sequence, std::uint64_t sent_ns);

    std::vector<std::uint64_t> bits_;  // bit (s % window): s was seen, for s in (highest - window, highest]
    bool started_ = false;
    std::uint64_t first_ = 0;      // lowest number of this run seen (the span starts here)
    std::uint64_t highest_ = 0;
    std::uint64_t highest_sent_ns_ = 0;  // the stamp of highest_
    std::uint64_t span_ = 0;       // numbers from first_ to highest_, both included
    std::uint64_t unique_ = 0;     // distinct numbers of this run seen
    std::uint64_t lost_before_ = 0;  // lost in earlier runs
    std::vector<std::uint64_t> late_run_;  // consecutive late numbers, candidates for a restart
    SequenceCounts counts_;
};

}  // namespace netring::stats
