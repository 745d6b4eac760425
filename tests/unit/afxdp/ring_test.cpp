// SPDX-License-Identifier: GPL-2.0-or-later
// Ring index arithmetic across the 2^32 wrap, token bounds and token consumption.
#include <cstdint>
#include <utility>
#include <vector>

#include "catch.h"
#include "fake_ring.h"
#include "netring/afxdp/ring.h"

using netring::xdp::ConsumerRing;
using netring::xdp::ProducerRing;

namespace {
constexpr std::uint32_t near_wrap = 0xFFFFFFFAU;  // 6 before 2^32
}

TEST_CASE("consumer ring reads across the 2^32 index wrap in order")
{
    FakeRing<std::uint64_t, 8> mem(near_wrap, near_wrap);
    ConsumerRing<std::uint64_t> ring(mem.view());
    std::uint64_t expected = 100;
    std::uint64_t next_value = 100;
    // 40 rounds of 5 entries cross the wrap and go around the 8-slot ring many times.
    for (int round = 0; round < 40; ++round) {
        mem.kernel_produce(5, next_value);
        next_value += 5;
        auto token = ring.peek(8);
        REQUIRE(token.size() == 5);
        for (const std::uint64_t v : token)
            CHECK(v == expected++);
        CHECK(ring.release(std::move(token)) == 5);
        CHECK(mem.consumer == mem.producer);
    }
    CHECK(mem.consumer == near_wrap + 200U);  // wrapped: 194
    CHECK(mem.consumer < near_wrap);
}

TEST_CASE("consumer ring sees exactly what is between the indices at the wrap")
{
    FakeRing<std::uint64_t, 8> mem(0xFFFFFFFEU, 0xFFFFFFFEU);
    ConsumerRing<std::uint64_t> ring(mem.view());
    CHECK(ring.available(8) == 0);
    mem.kernel_produce(8, 0);  // producer wraps to 6; ring completely full
    CHECK(mem.producer == 6U);
    CHECK(ring.available(100) == 8);
    auto token = ring.peek(100);
    CHECK(token.size() == 8);
    CHECK(token[7] == 7);
    CHECK(token.at(8) == nullptr);
}

TEST_CASE("producer ring never hands out more than the free slots, across the wrap")
{
    FakeRing<std::uint64_t, 8> mem(near_wrap, near_wrap);
    ProducerRing<std::uint64_t> ring(mem.view());
    auto token = ring.reserve(100);
    REQUIRE(token.size() == 8);
    std::uint64_t v = 0;
    for (std::uint64_t &slot : token)
        slot = v++;
    CHECK(ring.submit(std::move(token)) == 8);
    CHECK(mem.producer == near_wrap + 8U);  // 2 after the wrap

    CHECK(ring.reserve(1).empty());  // full until the kernel consumes
    mem.kernel_consume(3);
    auto more = ring.reserve(100);
    CHECK(more.size() == 3);
    for (std::uint64_t &slot : more)
        slot = v++;
    ring.submit(std::move(more));
    // The kernel reads them back in order from its side of the wrap.
    for (std::uint32_t i = 0; i < 8; ++i)
        CHECK(mem.at(mem.consumer + i) == 3 + i);
}

TEST_CASE("a peeked token yields at most what it holds")
{
    FakeRing<xdp_desc, 16> mem(0, 0);
    ConsumerRing<xdp_desc> ring(mem.view());
    mem.kernel_produce(5, 1000);
    auto token = ring.peek(3);
    REQUIRE(token.size() == 3);
    std::size_t seen = 0;
    for (const xdp_desc &d : token) {
        CHECK(d.addr == 1000 + seen);
        ++seen;
    }
    CHECK(seen == 3);
    CHECK(token.at(2) != nullptr);
    CHECK(token.at(3) == nullptr);  // the 4th is in the ring but not in this token
    CHECK(token.at(1000) == nullptr);
}

TEST_CASE("a released token is empty and cannot release again")
{
    FakeRing<std::uint64_t, 8> mem(0, 0);
    ConsumerRing<std::uint64_t> ring(mem.view());
    mem.kernel_produce(4, 0);
    auto token = ring.peek(4);
    CHECK(ring.release(std::move(token)) == 4);
    CHECK(mem.consumer == 4U);
    CHECK(token.empty());  // NOLINT(bugprone-use-after-move): the point of the test
    CHECK(token.at(0) == nullptr);
    CHECK(ring.release(std::move(token)) == 0);
    CHECK(mem.consumer == 4U);
}

TEST_CASE("a moved-from token is empty; the moved-to one holds the slots")
{
    FakeRing<std::uint64_t, 8> mem(0, 0);
    ProducerRing<std::uint64_t> ring(mem.view());
    auto a = ring.reserve(3);
    auto b = std::move(a);
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move)
    CHECK(a.at(0) == nullptr);
    CHECK(ring.submit(std::move(a)) == 0);
    CHECK(mem.producer == 0U);
    CHECK(b.size() == 3);
    CHECK(ring.submit(std::move(b)) == 3);
    CHECK(mem.producer == 3U);
}

TEST_CASE("a token of another ring is refused")
{
    FakeRing<std::uint64_t, 8> m1(0, 0);
    FakeRing<std::uint64_t, 8> m2(0, 0);
    ProducerRing<std::uint64_t> r1(m1.view());
    ProducerRing<std::uint64_t> r2(m2.view());
    auto t = r1.reserve(2);
    CHECK(r2.submit(std::move(t)) == 0);
    CHECK(m2.producer == 0U);
    CHECK(t.size() == 2);  // NOLINT(bugprone-use-after-move): refused, so still held
    CHECK(r1.submit(std::move(t)) == 2);
}

TEST_CASE("one token at a time per ring; an abandoned token gives its slots back")
{
    FakeRing<std::uint64_t, 8> mem(near_wrap, near_wrap);
    ConsumerRing<std::uint64_t> ring(mem.view());
    mem.kernel_produce(6, 10);
    {
        auto first = ring.peek(4);
        CHECK(first.size() == 4);
        CHECK(ring.peek(4).empty());  // second token refused while the first is out
        CHECK(ring.token_outstanding());
    }  // dropped without release
    CHECK_FALSE(ring.token_outstanding());
    CHECK(mem.consumer == near_wrap);  // nothing was handed back to the kernel
    auto again = ring.peek(8);
    CHECK(again.size() == 6);
    CHECK(again[0] == 10);
}

TEST_CASE("partial release and partial submit")
{
    FakeRing<std::uint64_t, 8> mem(near_wrap, near_wrap);
    ConsumerRing<std::uint64_t> rx(mem.view());
    mem.kernel_produce(5, 0);
    auto t = rx.peek(5);
    CHECK(rx.release(std::move(t), 2) == 2);
    CHECK(mem.consumer == near_wrap + 2U);
    auto rest = rx.peek(8);
    CHECK(rest.size() == 3);
    CHECK(rest[0] == 2);
    CHECK(rx.release(std::move(rest), 99) == 3);  // capped at the token's size

    FakeRing<std::uint64_t, 8> fmem(near_wrap, near_wrap);
    ProducerRing<std::uint64_t> fill(fmem.view());
    auto f = fill.reserve(6);
    f[0] = 7;
    f[1] = 8;
    CHECK(fill.submit(std::move(f), 2) == 2);
    CHECK(fmem.producer == near_wrap + 2U);
    auto g = fill.reserve(8);
    CHECK(g.size() == 6);  // 2 published, 6 free
    g[0] = 9;
    fill.submit(std::move(g), 1);
    CHECK(fmem.at(near_wrap + 2U) == 9);
}

TEST_CASE("shared indices are read only when the cached ones fall short")
{
    FakeRing<std::uint64_t, 8> mem(0, 0);
    ConsumerRing<std::uint64_t> ring(mem.view());
    mem.kernel_produce(6, 0);
    auto t = ring.peek(2);  // cache refreshed: 6 entries known
    ring.release(std::move(t));
    // Scribble on the shared producer: the cache still covers the next request,
    // so the ring must not look at it. Read, the scribble would leave one entry
    // (3 - 2), so a ring that reads it anyway hands out fewer than asked for.
    const std::uint32_t real = mem.producer;
    mem.producer = 3;
    CHECK(ring.peek(4).size() == 4);
    mem.producer = real;

    FakeRing<std::uint64_t, 8> pmem(0, 0);
    ProducerRing<std::uint64_t> prod(pmem.view());
    prod.submit(prod.reserve(2));
    // Read, this consumer index (two before where it started) would leave
    // 8 - 2 - 2 = 4 slots free instead of the 6 the cache knows of.
    pmem.consumer = 0xFFFFFFFEU;
    CHECK(prod.free_slots(6) == 6);
}

TEST_CASE("need-wakeup follows the flags word")
{
    FakeRing<std::uint64_t, 8> mem(0, 0);
    ProducerRing<std::uint64_t> ring(mem.view());
    CHECK_FALSE(ring.needs_wakeup());
    mem.flags = XDP_RING_NEED_WAKEUP;
    CHECK(ring.needs_wakeup());
}

TEST_CASE("ring sizes must be powers of two")
{
    CHECK(netring::xdp::is_power_of_two(1));
    CHECK(netring::xdp::is_power_of_two(2048));
    CHECK_FALSE(netring::xdp::is_power_of_two(0));
    CHECK_FALSE(netring::xdp::is_power_of_two(3000));
}
