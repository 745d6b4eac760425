// SPDX-License-Identifier: GPL-2.0-or-later
// The pacing schedule: absolute offsets for every mode, across loops.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "catch.h"
#include "netring/base/clock.h"
#include "netring/traffic/pacer.h"

using namespace netring;

TEST_CASE("original timing follows the capture's own offsets, scaled by -x")
{
    PaceConfig c;
    c.multiplier = 2.0;
    Schedule s(c);
    CHECK(s.next(5'000'000'000ULL, 60) == 0);
    CHECK(s.next(5'001'000'000ULL, 60) == 500'000);    // 1 ms gap at 2x
    CHECK(s.next(5'011'000'000ULL, 60) == 5'500'000);  // 11 ms from the first, not from the previous
    CHECK(s.paced());
}

TEST_CASE("timestamps going backwards send at once, never earlier than before")
{
    Schedule s(PaceConfig{});
    CHECK(s.next(1'000'000, 60) == 0);
    CHECK(s.next(3'000'000, 60) == 2'000'000);
    CHECK(s.next(2'000'000, 60) == 2'000'000);
}

TEST_CASE("pps puts frame k at k / pps whatever the frames hold")
{
    PaceConfig c;
    c.mode = PaceMode::pps;
    c.pps = 1000;
    Schedule s(c);
    for (std::uint64_t k = 0; k < 5000; ++k)
        REQUIRE(s.next(k * 7, static_cast<std::uint32_t>(60 + k % 1400)) == k * 1'000'000);
}

TEST_CASE("a bit rate starts each frame when the previous bits are out")
{
    PaceConfig c;
    c.mode = PaceMode::bitrate;
    c.bits_per_second = 8e6;  // 1 byte per microsecond
    Schedule s(c);
    CHECK(s.next(0, 1000) == 0);
    CHECK(s.next(0, 500) == 1'000'000);
    CHECK(s.next(0, 60) == 1'500'000);
}

TEST_CASE("lanes that share a rate interleave their frames and together send at that rate")
{
    // 10 frames per second over 4 lanes, for 1 s: frames 0..9 of the whole,
    // each due at its own tenth of a second, none at 1 s or later.
    std::vector<std::uint64_t> due;
    for (std::uint32_t lane = 0; lane < 4; ++lane) {
        PaceConfig c;
        c.mode = PaceMode::pps;
        c.pps = 10;
        c.lane = lane;
        c.lanes = 4;
        Schedule s(c);
        for (std::uint64_t offset = s.next(0, 60); offset < 1'000'000'000; offset = s.next(0, 60))
            due.push_back(offset);
    }
    std::sort(due.begin(), due.end());
    REQUIRE(due.size() == 10);
    for (std::size_t k = 0; k < due.size(); ++k)
        CHECK(due[k] == k * 100'000'000);

    PaceConfig c;
    c.mode = PaceMode::bitrate;
    c.bits_per_second = 8e6;  // 1 byte per microsecond in all
    c.lane = 1;
    c.lanes = 2;
    Schedule s(c);
    CHECK(s.next(0, 1000) == 1'000'000);  // after lane 0's first 1000 bytes
    CHECK(s.next(0, 1000) == 3'000'000);
}

TEST_CASE("R x D frames are due within D seconds, the next one at D exactly")
{
    struct Run {
        double rate;
        double seconds;
        std::uint64_t frames;
    };
    for (const Run r : {Run{10, 0.3, 3}, Run{3, 1, 3}, Run{7, 2, 14}, Run{30, 0.1, 3}, Run{10'000, 1, 10'000},
                        Run{100'000, 0.5, 50'000}, Run{1'000'000, 0.3, 300'000}}) {
        const auto end = static_cast<std::uint64_t>(r.seconds * 1e9 + 0.5);
        PaceConfig c;
        c.mode = PaceMode::pps;
        c.pps = r.rate;
        Schedule s(c);
        std::uint64_t n = 0;
        while (s.next(0, 60) < end)
            ++n;
        CHECK(n == r.frames);
    }
}

TEST_CASE("loops continue the schedule from where the last one ended")
{
    Schedule s(PaceConfig{});
    CHECK(s.next(100, 60) == 0);
    CHECK(s.next(1'100, 60) == 1'000);
    s.new_file();
    CHECK(s.next(100, 60) == 1'000);
    CHECK(s.next(1'100, 60) == 2'000);
}

TEST_CASE("each file keeps its own gaps, whatever its timestamps are beside the one before")
{
    PaceConfig c;
    c.multiplier = 100;
    Schedule s(c);
    const std::uint64_t day = 86'400'000'000'000ULL;
    CHECK(s.next(10 * day, 60) == 0);
    CHECK(s.next(10 * day + 100'000'000, 60) == 1'000'000);
    // A day earlier: once sent at once, gaps lost.
    s.new_file();
    CHECK(s.next(9 * day, 60) == 1'000'000);
    CHECK(s.next(9 * day + 200'000'000, 60) == 3'000'000);
    // Nine years later: once a wait of 33 days at -x 100.
    s.new_file();
    CHECK(s.next(3300 * day, 60) == 3'000'000);
    CHECK(s.next(3300 * day + 50'000'000, 60) == 3'500'000);
}

TEST_CASE("top speed has no schedule")
{
    // The first frame is due at 0 in every mode; only later frames, with
    // time and bytes behind them, show whether anything is scheduled.
    PaceConfig c;
    c.mode = PaceMode::top_speed;
    Schedule s(c);
    Schedule original(PaceConfig{});
    CHECK_FALSE(s.paced());
    std::uint64_t original_last = 0;
    for (std::uint64_t k = 0; k < 10; ++k) {
        const std::uint64_t ts = 1'000'000'000 + k * 3'000'000;
        const auto bytes = static_cast<std::uint32_t>(60 + k * 100);
        CHECK(s.next(ts, bytes) == 0);
        original_last = original.next(ts, bytes);
    }
    s.new_file();
    CHECK(s.next(1'000'000'000, 60) == 0);
    // The same frames under original timing would have waited 27 ms.
    CHECK(original_last == 27'000'000);
}

TEST_CASE("a rate too slow for 64 bits of nanoseconds waits as long as it can, not at all")
{
    // One frame every 10^12 s: the second is due 10^21 ns on, past 2^64.
    PaceConfig slow;
    slow.mode = PaceMode::pps;
    slow.pps = 1e-12;
    Schedule s(slow);
    CHECK(s.next(0, 60) == 0);
    CHECK(s.next(0, 60) == 4'611'686'018'427'387'904ULL);
    // And a multiplier that stretches a 1 s gap past it.
    PaceConfig stretched;
    stretched.multiplier = 1e-12;
    Schedule o(stretched);
    CHECK(o.next(1'000'000'000, 60) == 0);
    CHECK(o.next(2'000'000'000, 60) == 4'611'686'018'427'387'904ULL);
}

TEST_CASE("wait_until never returns early")
{
    for (int i = 0; i < 20; ++i) {
        const std::uint64_t deadline = monotonic_ns() + 50'000 + static_cast<std::uint64_t>(i) * 37'000;
        wait_until(deadline);
        REQUIRE(monotonic_ns() >= deadline);
    }
}
