// SPDX-License-Identifier: GPL-2.0-or-later
// SequenceTracker: loss, duplicates, reordering, 64-bit wrap, the window's edge and sender restarts.
#include <cstdint>
#include <vector>

#include "catch.h"
#include "netring/stats/sequence_tracker.h"

using netring::stats::SequenceCounts;
using netring::stats::SequenceTracker;

namespace {

// One sender sends its numbers in order, so its stamp grows with the number:
// s itself, or its distance from a base, wrapping with it.
void send(SequenceTracker &t, std::uint64_t s, std::uint64_t base = 0) { t.add(s, s - base + (1ULL << 32)); }

// The frames of one run of the sender, arriving in the given order.
SequenceCounts run(const std::vector<std::uint64_t> &seqs)
{
    SequenceTracker t;
    for (std::uint64_t s : seqs)
        send(t, s, seqs.front());
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
        send(t, s);
    CHECK(t.counts().lost == 1);  // for now
    send(t, 2);
    CHECK(t.counts().lost == 0);
    CHECK(t.counts().reordered == 1);
    send(t, 2);
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
    send(t, 5);
    send(t, 3);  // 4 is now missing
    CHECK(t.counts().lost == 1);
    send(t, 4);
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
            send(t, s);
    send(t, 10);  // a window and more too late
    send(t, 50);  // seen, but just as far behind
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
            send(t, s);
    send(t, 11);                                     // last - 11 < window: reordered
    send(t, last - (SequenceTracker::window - 1));   // the oldest number in the window, seen: duplicate
    const SequenceCounts c = t.counts();
    CHECK(c.reordered == 1);
    CHECK(c.duplicated == 1);
    CHECK(c.lost == 0);
    CHECK(c.late == 0);
}

TEST_CASE("a sender that starts over is a restart at once, even within the window")
{
    // Run again after 1000 frames: the new numbers are ones seen a moment
    // ago, but stamped after the highest was sent, so they are no duplicates.
    SequenceTracker t;
    for (std::uint64_t s = 0; s < 1000; ++s)
        t.add(s, 1'000 + s);
    for (std::uint64_t s = 0; s < 500; ++s)
        if (s != 300)
            t.add(s, 1'000'000 + s);
    t.add(10, 1'000'000 + 10);  // a duplicate of the new run
    const SequenceCounts c = t.counts();
    CHECK(c.restarts == 1);
    CHECK(c.duplicated == 1);
    CHECK(c.reordered == 0);
    CHECK(c.late == 0);
    CHECK(c.lost == 1);
    CHECK(c.received == 1'500);
}

TEST_CASE("losses of the run before a restart are kept")
{
    SequenceTracker t;
    for (std::uint64_t s = 0; s < 100'000; ++s)
        if (s != 7)
            t.add(s, s);
    for (std::uint64_t s = 0; s < 200; ++s)
        t.add(s, 200'000 + s);
    const SequenceCounts c = t.counts();
    CHECK(c.restarts == 1);
    CHECK(c.lost == 1);
}

TEST_CASE("with the sender's clock stepped back, a restart far below the highest is seen after a run of late frames")
{
    // run() stamps the second run as the first: no later than the highest.
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
