// SPDX-License-Identifier: GPL-2.0-or-later
// Counter steps across wraps and resets, rates over irregular intervals, LinkMeter and Ticker.
#include <cstdint>

#include "catch.h"
#include "netring/stats/counter.h"
#include "netring/stats/link_meter.h"
#include "netring/stats/ticker.h"

using namespace netring;
using namespace netring::stats;

namespace {

constexpr std::uint64_t ms = 1'000'000;
constexpr std::uint64_t two32 = std::uint64_t{1} << 32;

LinkStats rx(std::uint64_t packets, std::uint64_t bytes)
{
    LinkStats s;
    s.rx_packets = packets;
    s.rx_bytes = bytes;
    return s;
}

}  // namespace

TEST_CASE("a counter that went up advanced by the difference")
{
    CHECK(counter_step(100, 150).delta == 50);
    CHECK(counter_step(100, 150).event == CounterEvent::none);
    CHECK(counter_step(7, 7).delta == 0);
    CHECK(counter_step(two32 + 5, two32 + 9).delta == 4);
    CHECK(counter_step(0, UINT64_MAX).delta == UINT64_MAX);
}

TEST_CASE("a 32-bit counter near its top that comes back small wrapped")
{
    const CounterStep s = counter_step(two32 - 10, 5);
    CHECK(s.event == CounterEvent::wrapped32);
    CHECK(s.delta == 15);
    CHECK(counter_step(two32 - 1, 0).delta == 1);
    CHECK(counter_step(two32 - 1, 0).event == CounterEvent::wrapped32);
}

TEST_CASE("a counter that went back otherwise was reset and counts from zero")
{
    SECTION("small 32-bit values") {
        const CounterStep s = counter_step(1000, 10);
        CHECK(s.event == CounterEvent::reset);
        CHECK(s.delta == 10);
    }
    SECTION("64-bit values") {
        const CounterStep s = counter_step(two32 * 1000, 3);
        CHECK(s.event == CounterEvent::reset);
        CHECK(s.delta == 3);
    }
    SECTION("a wrapped difference of 2^31 or more is no wrap") {
        CHECK(counter_step(two32 / 2, 0).event == CounterEvent::reset);
        CHECK(counter_step(two32 / 2 + 1, 0).event == CounterEvent::wrapped32);
    }
}

TEST_CASE("rates divide by the real elapsed time")
{
    CHECK(per_second(1000, 500 * ms) == Approx(2000.0));
    CHECK(per_second(1, 3) == Approx(333333333.333).epsilon(1e-9));
    CHECK(per_second(1000, 0) == 0.0);
    CHECK(bits_per_second(125, 1000 * ms) == Approx(1000.0));
}

TEST_CASE("LinkMeter over irregular intervals")
{
    LinkMeter m;
    m.start(rx(100, 6000), 10 * ms);

    // 50 packets in 100 ms, 100 in 250 ms, 1000 in 1 s, 0 in 2 ms.
    LinkInterval a = m.sample(rx(150, 9000), 110 * ms);
    CHECK(a.elapsed_ns == 100 * ms);
    CHECK(a.delta.rx_packets == 50);
    CHECK(a.rates.rx_pps == Approx(500.0));
    CHECK(a.rates.rx_bps == Approx(3000.0 * 8 / 0.1));

    LinkInterval b = m.sample(rx(250, 15000), 360 * ms);
    CHECK(b.elapsed_ns == 250 * ms);
    CHECK(b.rates.rx_pps == Approx(400.0));

    LinkInterval c = m.sample(rx(1250, 75000), 1360 * ms);
    CHECK(c.rates.rx_pps == Approx(1000.0));
    CHECK(c.rates.rx_bps == Approx(60000.0 * 8));

    LinkInterval d = m.sample(rx(1250, 75000), 1362 * ms);
    CHECK(d.elapsed_ns == 2 * ms);
    CHECK(d.rates.rx_pps == 0.0);

    CHECK(m.intervals() == 4);
    CHECK(m.elapsed_ns() == 1352 * ms);
    CHECK(m.totals().rx_packets == 1150);
    CHECK(m.totals().rx_bytes == 69000);
    CHECK(m.average().rx_pps == Approx(1150.0 / 1.352));
    CHECK(m.peak().rx_pps == Approx(1000.0));
    CHECK(m.peak().rx_bps == Approx(480000.0));
    CHECK(m.resets() == 0);
}

TEST_CASE("LinkMeter keeps totals across a reset and a 32-bit wrap")
{
    LinkMeter m;
    m.start(rx(two32 - 100, 5000), 0);
    LinkInterval wrap = m.sample(rx(50, 5600), 1000 * ms);
    CHECK(wrap.wrapped);
    CHECK_FALSE(wrap.reset);
    CHECK(wrap.delta.rx_packets == 150);
    CHECK(wrap.rates.rx_pps == Approx(150.0));

    // The device was re-created: its counters start again below where they were.
    LinkInterval reset = m.sample(rx(20, 1200), 2000 * ms);
    CHECK(reset.reset);
    CHECK(reset.delta.rx_packets == 20);
    CHECK(reset.delta.rx_bytes == 1200);
    CHECK(m.resets() == 1);

    LinkInterval after = m.sample(rx(30, 1800), 3000 * ms);
    CHECK_FALSE(after.reset);
    CHECK(after.delta.rx_packets == 10);
    CHECK(m.totals().rx_packets == 180);
    CHECK(m.totals().rx_bytes == 600 + 1200 + 600);
}

TEST_CASE("LinkMeter: beside a counter that reset, one that looks wrapped was reset too")
{
    // A re-created device: packets fall from 2.5 M to 10 (a reset), bytes
    // from 3.0e9 to 1000, which alone would pass for a 32-bit wrap.
    LinkMeter m;
    m.start(rx(2'500'000, 3'000'000'000ULL), 0);
    LinkInterval iv = m.sample(rx(10, 1000), 1000 * ms);
    CHECK(iv.reset);
    CHECK_FALSE(iv.wrapped);
    CHECK(iv.delta.rx_packets == 10);
    CHECK(iv.delta.rx_bytes == 1000);
    CHECK(iv.rates.rx_bps == Approx(8000.0));
    CHECK(m.totals().rx_bytes == 1000);
}

TEST_CASE("LinkMeter: a sample at the same time gives an empty interval, not a division by zero")
{
    LinkMeter m;
    m.start(rx(0, 0), 5 * ms);
    LinkInterval iv = m.sample(rx(10, 600), 5 * ms);
    CHECK(iv.elapsed_ns == 0);
    CHECK(iv.rates.rx_pps == 0.0);
    CHECK(iv.delta.rx_packets == 10);
}

TEST_CASE("Ticker keeps an absolute schedule and skips ticks it missed")
{
    Ticker t(1000, 100);
    CHECK(t.next() == 1100);
    CHECK_FALSE(t.final());
    t.advance(1105);  // a little late: the schedule stays
    CHECK(t.next() == 1200);
    t.advance(1455);  // 1300 and 1400 were missed
    CHECK(t.next() == 1500);
    t.advance(1500);  // exactly on a tick: the next one
    CHECK(t.next() == 1600);
}

TEST_CASE("Ticker with a duration ends exactly at it")
{
    Ticker t(0, 100, 250);
    CHECK(t.next() == 100);
    t.advance(100);
    CHECK(t.next() == 200);
    CHECK_FALSE(t.final());
    t.advance(200);
    CHECK(t.next() == 250);
    CHECK(t.final());
    t.advance(900);  // however late, the end stays the end
    CHECK(t.next() == 250);
}
