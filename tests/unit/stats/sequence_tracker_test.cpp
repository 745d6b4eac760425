// SPDX-License-Identifier: GPL-2.0-or-later
// SequenceTracker: loss, duplicates, reordering, 64-bit wrap, the window's edge and sender restarts.
#include <cstdint>
#include <vector>

#include "catch.h"
#include "netring/stats/sequence_tracker.h"

using netring::stats::SequenceCounts;
using netring::stats::SequenceTracker;

namespace {

SequenceCounts run(const std::vector<std::uint64_t> &seqs)
{
    SequenceTracker t;
    for (std::uint64_t s : seqs)
        t.add(s);
    return t.counts();
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t count)
{
    std::vector<std::uint64_t> v;
    for (std::uint64_t i = 0; i < count; ++i)
        v.push_back(from + i);
    return v;
}

}  // namespace

TEST_CASE("a stream in order has nothing to report")
{
    const SequenceCounts c = run(range(0, 1000));
    CHECK(c.received == 1000);
    CHECK(c.lost == 0);
    CHECK(c.duplicated == 0);
    CHECK(c.reordered == 0);
    CHECK(c.late == 0);
}

TEST_CASE("gaps are lost frames")
{
    std::vector<std::uint64_t> seqs;
    for (std::uint64_t s = 0; s < 1000; ++s)
        if (s % 10 != 3)
            seqs.push_back(s);
    const SequenceCounts c = run(seqs);
    CHECK(c.received == 900);
    CHECK(c.lost == 100);
    CHECK(c.reordered == 0);

    CHECK(run({5, 1'000'005}).lost == 999'999);  // a jump far past the window
}

TEST_CASE("a number seen again is a duplicate, not a loss or a reorder")
{
    std::vector<std::uint64_t> seqs;
    for (std::uint64_t s = 0; s < 1000; ++s) {
        seqs.push_back(s);
        if (s % 50 == 49)
            seqs.push_back(s);
    }
    seqs.push_back(10);  // again, much later
    const SequenceCounts c = run(seqs);
    CHECK(c.received == 1021);
    CHECK(c.duplicated == 21);
    CHECK(c.lost == 0);
    CHECK(c.reordered == 0);
}

TEST_CASE("a frame after a higher one is reordered, and its gap is filled")
{
    SequenceTracker t;
    for (std::uint64_t s : {0, 1, 3, 4})
        t.add(s);
    CHECK(t.counts().lost == 1);  // for now
    t.add(2);
    CHECK(t.counts().lost == 0);
    CHECK(t.counts().reordered == 1);
    t.add(2);
    CHECK(t.counts().duplicated == 1);
    CHECK(t.counts().reordered == 1);

    // Pairs swapped every 25: one reordered frame each.
    std::vector<std::uint64_t> seqs;
    for (std::uint64_t s = 0; s < 1000; s += 25) {
        seqs.push_back(s + 1);
        seqs.push_back(s);
        for (std::uint64_t k = 2; k < 25; ++k)
            seqs.push_back(s + k);
    }
    const SequenceCounts c = run(seqs);
    CHECK(c.reordered == 40);
    CHECK(c.lost == 0);
    CHECK(c.duplicated == 0);
}

TEST_CASE("frames older than the first one seen extend the stream backwards")
{
    SequenceTracker t;
    t.add(5);
    t.add(3);  // 4 is now missing
    CHECK(t.counts().lost == 1);
    t.add(4);
    const SequenceCounts c = t.counts();
    CHECK(c.lost == 0);
    CHECK(c.reordered == 2);
}

TEST_CASE("sequence numbers wrap at 2^64 in order")
{
    const std::uint64_t top = UINT64_MAX - 4;
    SECTION("no loss across the wrap") {
        const SequenceCounts c = run(range(top, 10));  // ..., 2^64-1, 0, 1, ...
        CHECK(c.lost == 0);
        CHECK(c.reordered == 0);
        CHECK(c.duplicated == 0);
    }
    SECTION("gaps on both sides of the wrap") {
        std::vector<std::uint64_t> seqs;
        for (std::uint64_t s : range(top, 10))
            if (s != UINT64_MAX && s != 1)
                seqs.push_back(s);
        CHECK(run(seqs).lost == 2);
    }
    SECTION("reordering across the wrap") {
        const SequenceCounts c = run({UINT64_MAX - 1, 0, UINT64_MAX, 1});
        CHECK(c.reordered == 1);
        CHECK(c.lost == 0);
    }
}

TEST_CASE("frames more than a window behind are late, not duplicates")
{
    SequenceTracker t;
    for (std::uint64_t s = 0; s <= SequenceTracker::window + 100; ++s)
        if (s != 10)
            t.add(s);
    t.add(10);  // a window and more too late
    t.add(50);  // seen, but just as far behind
    const SequenceCounts c = t.counts();
    CHECK(c.late == 2);
    CHECK(c.duplicated == 0);
    CHECK(c.reordered == 0);
    CHECK(c.lost == 1);  // 10 stays lost
}

TEST_CASE("just inside the window, duplicates and reorders are still exact")
{
    SequenceTracker t;
    const std::uint64_t last = SequenceTracker::window + 10;
    for (std::uint64_t s = 0; s <= last; ++s)
        if (s != 11)
            t.add(s);
    t.add(11);                                     // last - 11 < window: reordered
    t.add(last - (SequenceTracker::window - 1));   // the oldest number in the window, seen: duplicate
    const SequenceCounts c = t.counts();
    CHECK(c.reordered == 1);
    CHECK(c.duplicated == 1);
    CHECK(c.lost == 0);
    CHECK(c.late == 0);
}

TEST_CASE("a sender that starts over is a restart, not a flood of late frames")
{
    std::vector<std::uint64_t> seqs = range(0, 100'000);
    for (std::uint64_t s = 0; s < 500; ++s)
        if (s != 300)
            seqs.push_back(s);
    const SequenceCounts c = run(seqs);
    CHECK(c.restarts == 1);
    CHECK(c.late == 0);
    CHECK(c.duplicated == 0);
    CHECK(c.lost == 1);
    CHECK(c.received == 100'499);
}

TEST_CASE("losses of the run before a restart are kept")
{
    std::vector<std::uint64_t> seqs;
    for (std::uint64_t s = 0; s < 100'000; ++s)
        if (s != 7)
            seqs.push_back(s);
    for (std::uint64_t s = 0; s < 200; ++s)
        seqs.push_back(s);
    const SequenceCounts c = run(seqs);
    CHECK(c.restarts == 1);
    CHECK(c.lost == 1);
}
