// SPDX-License-Identifier: GPL-2.0-or-later
// pcapng ISB walk: both byte orders, several sections, time resolutions, and damage at every offset.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "catch.h"
#include "netring/stats/pcapng_statistics.h"

using namespace netring::stats;

namespace {

// Builds pcapng blocks in one byte order.
class Builder {
public:
    explicit Builder(bool big) : big_(big) {}

    void u16(std::vector<std::uint8_t> &b, std::uint16_t v) const
    {
        for (int i = 0; i < 2; ++i)
            b.push_back(static_cast<std::uint8_t>(big_ ? v >> (8 * (1 - i)) : v >> (8 * i)));
    }
    void u32(std::vector<std::uint8_t> &b, std::uint32_t v) const
    {
        for (int i = 0; i < 4; ++i)
            b.push_back(static_cast<std::uint8_t>(big_ ? v >> (8 * (3 - i)) : v >> (8 * i)));
    }
    void u64(std::vector<std::uint8_t> &b, std::uint64_t v) const
    {
        for (int i = 0; i < 8; ++i)
            b.push_back(static_cast<std::uint8_t>(big_ ? v >> (8 * (7 - i)) : v >> (8 * i)));
    }
    void option(std::vector<std::uint8_t> &b, std::uint16_t code, const std::vector<std::uint8_t> &value) const
    {
        u16(b, code);
        u16(b, static_cast<std::uint16_t>(value.size()));
        b.insert(b.end(), value.begin(), value.end());
        while (b.size() % 4 != 0)
            b.push_back(0);
    }
    std::vector<std::uint8_t> v64(std::uint64_t v) const
    {
        std::vector<std::uint8_t> b;
        u64(b, v);
        return b;
    }
    // Timestamps are two u32 halves, high first, each in the section's order.
    std::vector<std::uint8_t> ts(std::uint64_t v) const
    {
        std::vector<std::uint8_t> b;
        u32(b, static_cast<std::uint32_t>(v >> 32));
        u32(b, static_cast<std::uint32_t>(v));
        return b;
    }
    void block(std::vector<std::uint8_t> &out, std::uint32_t type, const std::vector<std::uint8_t> &body) const
    {
        const auto len = static_cast<std::uint32_t>(12 + body.size());
        u32(out, type);
        u32(out, len);
        out.insert(out.end(), body.begin(), body.end());
        u32(out, len);
    }
    void shb(std::vector<std::uint8_t> &out) const
    {
        std::vector<std::uint8_t> body;
        u32(body, 0x1a2b3c4d);
        u16(body, 1);
        u16(body, 0);
        u64(body, UINT64_MAX);
        block(out, 0x0a0d0d0a, body);
    }
    void idb(std::vector<std::uint8_t> &out, const std::string &name, int tsresol) const
    {
        std::vector<std::uint8_t> body;
        u16(body, 1);
        u16(body, 0);
        u32(body, 262144);
        if (!name.empty())
            option(body, 2, std::vector<std::uint8_t>(name.begin(), name.end()));
        if (tsresol >= 0)
            option(body, 9, {static_cast<std::uint8_t>(tsresol)});
        option(body, 0, {});
        block(out, 1, body);
    }
    void epb(std::vector<std::uint8_t> &out) const
    {
        std::vector<std::uint8_t> body;
        u32(body, 0);
        u32(body, 0);
        u32(body, 0);
        u32(body, 60);
        u32(body, 60);
        body.resize(body.size() + 60, 0xab);
        block(out, 6, body);
    }
    void isb(std::vector<std::uint8_t> &out, std::uint32_t iface, std::uint64_t start, std::uint64_t end,
             std::uint64_t recv, std::uint64_t drop, std::uint64_t deliv) const
    {
        std::vector<std::uint8_t> body;
        u32(body, iface);
        u32(body, 0);
        u32(body, 0);
        option(body, 2, ts(start));
        option(body, 3, ts(end));
        option(body, 4, v64(recv));
        option(body, 5, v64(drop));
        option(body, 8, v64(deliv));
        option(body, 0, {});
        block(out, 5, body);
    }

private:
    bool big_;
};

std::vector<std::uint8_t> two_sections(bool big)
{
    Builder b(big);
    std::vector<std::uint8_t> f;
    b.shb(f);
    b.idb(f, "eth0", 9);  // ns
    b.idb(f, "", -1);     // default: us
    b.epb(f);
    b.isb(f, 0, 1'700'000'000'000'000'001ULL, 1'700'000'001'000'000'000ULL, 100, 2, 98);
    b.isb(f, 1, 1'700'000'000'000'000ULL, 1'700'000'002'000'000ULL, 5, 0, 5);
    b.shb(f);
    b.idb(f, "wlan0", 0x80 | 10);  // 2^-10 s
    b.isb(f, 0, 1024ULL * 1'700'000'000, 1024ULL * 1'700'000'000 + 512, 7, 1, 6);
    return f;
}

}  // namespace

TEST_CASE("ISBs of two sections, in both byte orders")
{
    for (bool big : {false, true}) {
        INFO((big ? "big" : "little") << "-endian");
        const auto f = two_sections(big);
        const PcapngStatistics s = parse_pcapng_statistics(f.data(), f.size());
        CHECK(s.problem.empty());
        REQUIRE(s.blocks.size() == 3);
        const InterfaceStatistics &a = s.blocks[0];
        CHECK(a.section == 0);
        CHECK(a.interface == 0);
        CHECK(a.name == "eth0");
        CHECK(a.start_ns == 1'700'000'000'000'000'001ULL);
        CHECK(a.end_ns == 1'700'000'001'000'000'000ULL);
        CHECK(a.ifrecv == 100U);
        CHECK(a.ifdrop == 2U);
        CHECK(a.usrdeliv == 98U);
        CHECK_FALSE(a.filteraccept);
        CHECK_FALSE(a.osdrop);
        const InterfaceStatistics &b = s.blocks[1];
        CHECK(b.interface == 1);
        CHECK(b.name.empty());
        CHECK(b.start_ns == 1'700'000'000'000'000'000ULL);  // microseconds by default
        CHECK(b.end_ns == 1'700'000'002'000'000'000ULL);
        const InterfaceStatistics &c = s.blocks[2];
        CHECK(c.section == 1);
        CHECK(c.name == "wlan0");
        CHECK(c.start_ns == 1'700'000'000'000'000'000ULL);  // binary fractions
        CHECK(c.end_ns == 1'700'000'000'500'000'000ULL);
        CHECK(c.usrdeliv == 6U);
    }
}

TEST_CASE("a file cut at any byte is read up to the cut, never past it")
{
    const auto whole = two_sections(false);
    // Cut between two blocks, the file is whole; anywhere else it is not.
    // Every ISB that ends at or before the cut is still there to read.
    std::vector<std::size_t> boundaries;
    std::vector<std::size_t> isb_ends;
    for (std::size_t off = 0; off < whole.size();) {
        boundaries.push_back(off);
        std::uint32_t type = 0;
        std::uint32_t len = 0;
        std::memcpy(&type, whole.data() + off, 4);
        std::memcpy(&len, whole.data() + off + 4, 4);
        off += len;
        if (type == 5)
            isb_ends.push_back(off);
    }
    REQUIRE(isb_ends.size() == 3);
    for (std::size_t cut = 0; cut < whole.size(); ++cut) {
        // An exact-size copy, so that a sanitizer catches any overread.
        std::vector<std::uint8_t> part(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
        const PcapngStatistics s = parse_pcapng_statistics(part.data(), part.size());
        INFO("cut at " << cut);
        const auto whole_isbs = std::count_if(isb_ends.begin(), isb_ends.end(),
                                              [&](std::size_t end) { return end <= cut; });
        CHECK(s.blocks.size() == static_cast<std::size_t>(whole_isbs));
        const bool boundary = std::find(boundaries.begin(), boundaries.end(), cut) != boundaries.end();
        CHECK(s.problem.empty() == boundary);
        CHECK(s.problem_offset <= cut);
    }
}

TEST_CASE("impossible lengths stop the walk with a message")
{
    Builder b(false);
    std::vector<std::uint8_t> f;
    b.shb(f);
    const std::size_t at = f.size();
    b.isb(f, 0, 1, 2, 3, 4, 5);

    SECTION("not a multiple of 4") {
        f[at + 4] = 0x35;
        const auto s = parse_pcapng_statistics(f.data(), f.size());
        CHECK(s.problem.find("impossible length") != std::string::npos);
        CHECK(s.problem_offset == at);
    }
    SECTION("past the end of the file") {
        f[at + 6] = 0x10;
        const auto s = parse_pcapng_statistics(f.data(), f.size());
        CHECK(s.problem.find("past the end") != std::string::npos);
    }
    SECTION("trailing length differs") {
        f[f.size() - 4] ^= 0x04;
        const auto s = parse_pcapng_statistics(f.data(), f.size());
        CHECK(s.problem.find("trailing length") != std::string::npos);
        CHECK(s.blocks.empty());
    }
    SECTION("an option longer than its block is ignored, not read") {
        // The first option (isb_starttime) claims 0xfff0 bytes.
        f[at + 8 + 12 + 2] = 0xf0;
        f[at + 8 + 12 + 3] = 0xff;
        const auto s = parse_pcapng_statistics(f.data(), f.size());
        CHECK(s.problem.empty());
        REQUIRE(s.blocks.size() == 1);
        CHECK_FALSE(s.blocks[0].start_ns);
        CHECK_FALSE(s.blocks[0].ifrecv);
    }
    SECTION("no section header first") {
        std::vector<std::uint8_t> g(f.begin() + static_cast<std::ptrdiff_t>(at), f.end());
        const auto s = parse_pcapng_statistics(g.data(), g.size());
        CHECK(s.problem.find("not a pcapng file") != std::string::npos);
    }
}
