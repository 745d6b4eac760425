// SPDX-License-Identifier: GPL-2.0-or-later
// The xdp-tx payload stamp: byte layout, encode/decode, and finding it in frames (bounds included).
#include <array>
#include <cstdint>
#include <vector>

#include "catch.h"
#include "netring/stats/stamped_frame.h"
#include "netring/stats/stream_meter.h"
#include "netring/traffic/stamp.h"

using namespace netring;

namespace {

constexpr std::uint64_t some_time = 1'795'000'000'123'456'789ULL;  // 2026

void put16(std::vector<std::uint8_t> &f, std::size_t off, std::uint16_t v)
{
    f[off] = static_cast<std::uint8_t>(v >> 8);
    f[off + 1] = static_cast<std::uint8_t>(v);
}

struct FrameSpec {
    bool ipv6 = false;
    int vlan_tags = 0;
    std::uint16_t port = traffic::default_port;
    std::size_t payload = traffic::stamp_size;
    traffic::Stamp stamp{7, some_time, 3};
};

// Ethernet [+ tags] + IPv4/IPv6 + UDP + stamp + padding, lengths consistent.
std::vector<std::uint8_t> make_frame(const FrameSpec &s)
{
    std::vector<std::uint8_t> f(12, 0x02);
    for (int t = 0; t < s.vlan_tags; ++t) {
        f.resize(f.size() + 4);
        put16(f, f.size() - 4, t == 0 && s.vlan_tags == 2 ? 0x88a8 : 0x8100);
        put16(f, f.size() - 2, 10);
    }
    f.resize(f.size() + 2);
    put16(f, f.size() - 2, s.ipv6 ? 0x86dd : 0x0800);
    const std::size_t ip = f.size();
    const std::size_t udp_len = 8 + s.payload;
    if (s.ipv6) {
        f.resize(ip + 40, 0);
        f[ip] = 0x60;
        put16(f, ip + 4, static_cast<std::uint16_t>(udp_len));
        f[ip + 6] = 17;
        f[ip + 7] = 64;
    } else {
        f.resize(ip + 20, 0);
        f[ip] = 0x45;
        put16(f, ip + 2, static_cast<std::uint16_t>(20 + udp_len));
        put16(f, ip + 6, 0x4000);  // DF
        f[ip + 8] = 64;
        f[ip + 9] = 17;
    }
    const std::size_t udp = f.size();
    f.resize(udp + udp_len, 0);
    put16(f, udp, 40000);
    put16(f, udp + 2, s.port);
    put16(f, udp + 4, static_cast<std::uint16_t>(udp_len));
    traffic::encode_stamp(s.stamp, f.data() + udp + 8);
    return f;
}

std::optional<traffic::Stamp> find(const std::vector<std::uint8_t> &f, std::uint16_t port = traffic::default_port)
{
    return stats::find_stamp(f.data(), static_cast<std::uint32_t>(f.size()), port);
}

// Ethernet [+ tags] with EtherType 0x88b5 and the stamp right after it.
std::vector<std::uint8_t> make_eth_frame(int vlan_tags, std::uint64_t sent_ns)
{
    FrameSpec spec;
    spec.vlan_tags = vlan_tags;
    auto f = make_frame(spec);
    const std::size_t type = 12 + 4 * static_cast<std::size_t>(vlan_tags);
    put16(f, type, traffic::ethertype_local_experimental);
    traffic::encode_stamp({7, sent_ns, 3}, f.data() + type + 2);
    return f;
}

}  // namespace

TEST_CASE("the stamp is 18 big-endian bytes: sequence, send time, stream")
{
    STATIC_REQUIRE(traffic::stamp_size == 18);
    STATIC_REQUIRE(60 - 14 - 20 - 8 == traffic::stamp_size);
    std::array<std::uint8_t, 18> b{};
    traffic::encode_stamp({0x0102030405060708ULL, 0x1112131415161718ULL, 0x2122}, b.data());
    const std::array<std::uint8_t, 18> want = {1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x21, 0x22};
    CHECK(b == want);
    CHECK(traffic::decode_stamp(b.data()) == traffic::Stamp{0x0102030405060708ULL, 0x1112131415161718ULL, 0x2122});
}

TEST_CASE("encode and decode round-trip, extremes included")
{
    for (const traffic::Stamp s : {traffic::Stamp{0, 0, 0}, traffic::Stamp{UINT64_MAX, UINT64_MAX, 0xffff},
                                   traffic::Stamp{123456789, some_time, 42}}) {
        std::array<std::uint8_t, 18> b{};
        traffic::encode_stamp(s, b.data());
        CHECK(traffic::decode_stamp(b.data()) == s);
    }
}

TEST_CASE("the per-send rewrite touches sequence and time only")
{
    std::array<std::uint8_t, 20> b{};
    b.fill(0xee);
    traffic::encode_stamp({1, 2, 0xabcd}, b.data());
    traffic::write_stamp_sequence_and_time(b.data(), 99, some_time);
    CHECK(traffic::decode_stamp(b.data()) == traffic::Stamp{99, some_time, 0xabcd});
    CHECK(b[18] == 0xee);
    CHECK(b[19] == 0xee);
}

TEST_CASE("a minimum 60-byte IPv4 frame carries a stamp that is found")
{
    const auto f = make_frame({});
    REQUIRE(f.size() == 60);
    const auto s = find(f);
    REQUIRE(s);
    CHECK(*s == traffic::Stamp{7, some_time, 3});
}

TEST_CASE("stamps behind VLAN tags, in IPv6, with padding after them")
{
    FrameSpec spec;
    SECTION("one tag") { spec.vlan_tags = 1; }
    SECTION("QinQ") { spec.vlan_tags = 2; }
    SECTION("IPv6") { spec.ipv6 = true; }
    SECTION("IPv6 in QinQ, 1400 bytes of payload") {
        spec.ipv6 = true;
        spec.vlan_tags = 2;
        spec.payload = 1400;
    }
    const auto s = find(make_frame(spec));
    REQUIRE(s);
    CHECK(s->sequence == 7);
}

TEST_CASE("bare Ethernet frames of EtherType 0x88b5 carry the stamp after the header")
{
    for (const int tags : {0, 1, 2}) {
        INFO(tags << " VLAN tag(s)");
        const auto s = find(make_eth_frame(tags, some_time));
        REQUIRE(s);
        CHECK(*s == traffic::Stamp{7, some_time, 3});
    }
    CHECK_FALSE(find(make_eth_frame(0, 0)));  // another experiment's zeros
    const auto f = make_eth_frame(0, some_time);
    for (std::size_t cut = 0; cut < 14 + traffic::stamp_size; ++cut) {
        std::vector<std::uint8_t> part(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(cut));
        INFO("cut at " << cut);
        CHECK_FALSE(stats::find_stamp(part.empty() ? nullptr : part.data(), static_cast<std::uint32_t>(cut),
                                      traffic::default_port));
    }
}

TEST_CASE("frames that only look alike are not stamped")
{
    CHECK_FALSE(find(make_frame({}), 10));  // another port
    FrameSpec other_port;
    other_port.port = 53;
    CHECK_FALSE(find(make_frame(other_port)));
    FrameSpec zero;
    zero.stamp = {0, 0, 0};  // trafgen's fill(0x00, 18) to port 9
    CHECK_FALSE(find(make_frame(zero)));
    FrameSpec future;
    future.stamp.sent_ns = 5'000'000'000'000'000'000ULL;
    CHECK_FALSE(find(make_frame(future)));

    auto fragment = make_frame({});
    fragment[14 + 6] = 0x20;  // MF
    CHECK_FALSE(find(fragment));
    auto tcp = make_frame({});
    tcp[14 + 9] = 6;
    CHECK_FALSE(find(tcp));
    auto short_udp = make_frame({});
    short_udp[14 + 20 + 5] = 8 + 17;  // UDP length leaves no room for the stamp
    CHECK_FALSE(find(short_udp));
    auto long_udp = make_frame({});
    long_udp[14 + 20 + 5] = 8 + 19;  // longer than the IP datagram
    CHECK_FALSE(find(long_udp));
    auto arp = make_frame({});
    arp[12] = 0x08;
    arp[13] = 0x06;
    CHECK_FALSE(find(arp));
    auto ip_version = make_frame({});
    ip_version[14] = 0x65;
    CHECK_FALSE(find(ip_version));
}

TEST_CASE("a frame cut anywhere before the stamp's end is not read past its end")
{
    for (const FrameSpec spec : {FrameSpec{}, FrameSpec{true, 2}}) {
        const auto f = make_frame(spec);
        for (std::size_t cut = 0; cut < f.size(); ++cut) {
            // A copy of exactly `cut` bytes, so a sanitizer sees any overread.
            std::vector<std::uint8_t> part(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(cut));
            INFO("cut at " << cut);
            CHECK_FALSE(stats::find_stamp(part.empty() ? nullptr : part.data(), static_cast<std::uint32_t>(cut),
                                          traffic::default_port));
        }
    }
}

TEST_CASE("StreamMeter sorts stamped frames into streams with latency")
{
    stats::StreamMeter m(traffic::default_port);
    FrameSpec a;
    a.stamp = {0, some_time, 1};
    FrameSpec b;
    b.stamp = {0, some_time, 2};
    CHECK(m.add(make_frame(a).data(), 60, some_time + 1000));
    a.stamp.sequence = 2;  // 1 lost
    CHECK(m.add(make_frame(a).data(), 60, some_time + 3000));
    CHECK(m.add(make_frame(b).data(), 60, some_time - 500));  // the receiver's clock is behind
    FrameSpec plain;
    plain.port = 53;
    CHECK_FALSE(m.add(make_frame(plain).data(), 60, some_time));
    CHECK(m.stamped() == 3);
    REQUIRE(m.streams().size() == 2);
    const auto &s1 = *m.streams().at(1);
    CHECK(s1.frames == 2);
    CHECK(s1.interval_frames == 2);
    CHECK(s1.sequence.counts().lost == 1);
    CHECK(s1.interval_latency.min() == 1000);
    CHECK(s1.interval_latency.max() == 3000);
    CHECK(m.streams().at(2)->interval_latency.min() == -500);
    m.end_interval();
    CHECK(s1.interval_frames == 0);
    CHECK(s1.interval_latency.count() == 0);
    CHECK(s1.latency.count() == 2);
    CHECK(s1.latency.min() == 1000);
    CHECK(m.streams().at(2)->latency.min() == -500);
    a.stamp.sequence = 3;
    CHECK(m.add(make_frame(a).data(), 60, some_time + 500));
    m.end_interval();
    CHECK(s1.latency.count() == 3);
    CHECK(s1.latency.min() == 500);
    CHECK(s1.latency.max() == 3000);
}
