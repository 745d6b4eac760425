// SPDX-License-Identifier: GPL-2.0-or-later
// FrameAllocator: no chunk handed out twice; foreign, misaligned and stale addresses refused.
#include <cstdint>
#include <set>
#include <vector>

#include "catch.h"
#include "netring/afxdp/frame_allocator.h"

using netring::xdp::AddrCheck;
using netring::xdp::FrameAllocator;

TEST_CASE("every chunk is handed out once until it comes back")
{
    FrameAllocator a(0, 64, 2048);
    std::set<std::uint64_t> seen;
    while (auto c = a.allocate()) {
        CHECK(*c % 2048 == 0);
        CHECK(*c < 64 * 2048);
        CHECK(seen.insert(*c).second);
    }
    CHECK(seen.size() == 64);
    CHECK(a.available() == 0);
    CHECK(a.handed_out() == 64);

    CHECK(a.free(10 * 2048) == AddrCheck::ok);
    CHECK(a.allocate() == std::optional<std::uint64_t>(10 * 2048));
    CHECK_FALSE(a.allocate().has_value());
}

TEST_CASE("bulk allocation stops at what is free")
{
    FrameAllocator a(0, 4, 4096);
    std::vector<std::uint64_t> out(10, 0);
    CHECK(a.allocate(out) == 4);
    CHECK(a.allocate(out) == 0);
}

TEST_CASE("a double return is refused and does not create a second copy")
{
    FrameAllocator a(0, 4, 4096);
    const auto c = a.allocate();
    REQUIRE(c);
    CHECK(a.free(*c) == AddrCheck::ok);
    CHECK(a.free(*c) == AddrCheck::not_handed_out);
    CHECK(a.available() == 4);
    // Still four distinct chunks.
    std::set<std::uint64_t> seen;
    while (auto x = a.allocate())
        seen.insert(*x);
    CHECK(seen.size() == 4);
}

TEST_CASE("foreign and misaligned addresses are refused")
{
    // This socket owns chunks 16..31 of a shared UMEM.
    FrameAllocator a(16 * 4096, 16, 4096);
    auto c = a.allocate();
    REQUIRE(c);
    CHECK(*c >= 16 * 4096);
    CHECK(a.free(0) == AddrCheck::out_of_range);           // another socket's chunk
    CHECK(a.free(32 * 4096) == AddrCheck::out_of_range);   // past our slice
    CHECK(a.free(~std::uint64_t{0}) == AddrCheck::out_of_range);
    CHECK(a.free(*c + 256) == AddrCheck::misaligned);
    CHECK(a.reclaim(3 * 4096 + 300, 60) == AddrCheck::out_of_range);
    CHECK(a.free(*c) == AddrCheck::ok);
}

TEST_CASE("RX addresses are rebased to their chunk start")
{
    FrameAllocator a(0, 8, 2048);
    const auto c = a.allocate();
    REQUIRE(c);
    // The kernel hands back chunk + headroom + XDP_PACKET_HEADROOM (+ offset).
    const std::uint64_t rx_addr = *c + 64 + 256;
    std::uint64_t chunk = 0;
    CHECK(a.rebase(rx_addr, 1500, chunk) == AddrCheck::ok);
    CHECK(chunk == *c);
    CHECK(a.reclaim(rx_addr, 1500) == AddrCheck::ok);
    CHECK(a.reclaim(rx_addr, 1500) == AddrCheck::not_handed_out);  // second time: stale
    // The chunk is usable again, and at its start.
    CHECK(a.allocate() == c);
}

TEST_CASE("a frame running past its chunk is refused")
{
    FrameAllocator a(0, 8, 2048);
    const auto c = a.allocate();
    REQUIRE(c);
    CHECK(a.reclaim(*c + 320, 2048 - 320) == AddrCheck::ok);
    const auto d = a.allocate();
    REQUIRE(d);
    CHECK(a.reclaim(*d + 320, 2048 - 319) == AddrCheck::overruns_chunk);
    CHECK(a.handed_out() == 1);  // still out: not reused on a bad descriptor
}

TEST_CASE("errors explain the address and the range")
{
    FrameAllocator a(0, 2, 2048);
    const std::string msg = a.explain(0x9000, AddrCheck::out_of_range);
    CHECK(msg.find("0x9000") != std::string::npos);
    CHECK(msg.find("0x0..0x1000") != std::string::npos);
}

TEST_CASE("a chunk going straight back to the kernel is checked and stays handed out")
{
    FrameAllocator a(0, 8, 2048);
    std::vector<std::uint64_t> out(8, 0);
    REQUIRE(a.allocate(out) == 8);
    std::uint64_t chunk = 0;
    // An RX address inside chunk 3 (headroom 256).
    CHECK(a.unhand(3 * 2048 + 256, 60, chunk) == AddrCheck::ok);
    CHECK(chunk == 3 * 2048);
    // The same chunk again before the batch is rehanded: a double return.
    std::uint64_t again = 0;
    CHECK(a.unhand(3 * 2048 + 256, 60, again) == AddrCheck::not_handed_out);
    a.rehand(chunk);
    CHECK(a.available() == 0);  // never on the free list
    CHECK(a.handed_out() == 8);
    // Rehanded, it can come back once more; and it can still be freed for good.
    CHECK(a.unhand(3 * 2048, 0, chunk) == AddrCheck::ok);
    a.rehand(chunk);
    CHECK(a.free(chunk) == AddrCheck::ok);
    CHECK(a.available() == 1);
    // Foreign and overrunning addresses are refused as reclaim() refuses them.
    CHECK(a.unhand(8 * 2048, 0, chunk) == AddrCheck::out_of_range);
    CHECK(a.unhand(5 * 2048 + 2000, 100, chunk) == AddrCheck::overruns_chunk);
    CHECK(a.unhand(3 * 2048, 0, chunk) == AddrCheck::not_handed_out);  // freed above
}
