// SPDX-License-Identifier: GPL-2.0-or-later
// xdp-tx frames: header fields, checksums against a plain RFC 1071 reference, the stamp's place.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "catch.h"
#include "netring/stats/stamped_frame.h"
#include "netring/traffic/frame_template.h"

using namespace netring;
using namespace netring::traffic;

namespace {

constexpr std::uint64_t some_time = 1'795'000'000'123'456'789ULL;

std::uint16_t be16(const std::uint8_t *p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// Bytes [off, off + n) of f as "02 77 00 ...", readable when a check fails.
std::string hex_at(const std::vector<std::uint8_t> &f, std::size_t off, std::size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = off; i < off + n; ++i) {
        if (i != off)
            out += ' ';
        out += digits[f[i] >> 4];
        out += digits[f[i] & 0xf];
    }
    return out;
}

// config()'s addresses as they go on the wire. Checksums add the source and
// destination alike, so only these catch the two swapped.
constexpr const char *wire_dst_mac = "02 77 00 00 00 0b";
constexpr const char *wire_src_mac = "02 77 00 00 00 0a";
constexpr const char *wire_src_ip4 = "0a 4d 01 01";  // 10.77.1.1
constexpr const char *wire_dst_ip4 = "0a 4d 01 02";  // 10.77.1.2
constexpr const char *wire_src_ip6 = "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01";  // 2001:db8::1
constexpr const char *wire_dst_ip6 = "20 01 0d b8 00 00 00 00 00 00 00 00 fe dc ba 98";  // 2001:db8::fedc:ba98

// RFC 1071 the slow way, independent of checksum.h: 16-bit words, end-around
// carry after every addition, one's complement.
std::uint16_t reference_checksum(const std::vector<std::uint8_t> &bytes)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        const std::uint32_t word = (bytes[i] << 8) | (i + 1 < bytes.size() ? bytes[i + 1] : 0);
        sum += word;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// The UDP checksum a receiver computes: pseudo-header, then the UDP header
// with a zero checksum field, then the payload.
std::uint16_t reference_udp_checksum(const std::vector<std::uint8_t> &frame, bool v6)
{
    const std::size_t ip = 14;
    const std::size_t udp = v6 ? ip + 40 : ip + 20;
    const std::uint16_t udp_len = be16(&frame[udp + 4]);
    std::vector<std::uint8_t> b;
    if (v6) {
        b.insert(b.end(), &frame[ip + 8], &frame[ip + 40]);
        b.insert(b.end(), {0, 0, static_cast<std::uint8_t>(udp_len >> 8), static_cast<std::uint8_t>(udp_len), 0, 0, 0, 17});
    } else {
        b.insert(b.end(), &frame[ip + 12], &frame[ip + 20]);
        b.insert(b.end(), {0, 17, static_cast<std::uint8_t>(udp_len >> 8), static_cast<std::uint8_t>(udp_len)});
    }
    std::vector<std::uint8_t> seg(frame.begin() + static_cast<std::ptrdiff_t>(udp),
                                  frame.begin() + static_cast<std::ptrdiff_t>(udp + udp_len));
    seg[6] = seg[7] = 0;
    b.insert(b.end(), seg.begin(), seg.end());
    const std::uint16_t c = reference_checksum(b);
    return c == 0 ? 0xffff : c;
}

TemplateConfig config(TemplateProto proto)
{
    TemplateConfig c;
    c.proto = proto;
    c.src_mac = {0x02, 0x77, 0, 0, 0, 0x0a};
    c.dst_mac = {0x02, 0x77, 0, 0, 0, 0x0b};
    if (proto == TemplateProto::udp6) {
        c.src_ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        c.dst_ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xdc, 0xba, 0x98};
    } else {
        c.src_ip = {10, 77, 1, 1};
        c.dst_ip = {10, 77, 1, 2};
    }
    c.src_port = 40000;
    c.dst_port = 9;
    c.stream = 0xbeef;
    return c;
}

}  // namespace

TEST_CASE("minimum sizes: 60 for UDP over IPv4 and bare Ethernet, 80 for UDP over IPv6")
{
    CHECK(FrameTemplate(config(TemplateProto::udp4)).min_size() == 60);
    CHECK(FrameTemplate(config(TemplateProto::udp4)).header_size() == 42);
    CHECK(FrameTemplate(config(TemplateProto::udp6)).min_size() == 80);
    CHECK(FrameTemplate(config(TemplateProto::udp6)).header_size() == 62);
    CHECK(FrameTemplate(config(TemplateProto::eth)).min_size() == 60);
    CHECK(FrameTemplate(config(TemplateProto::eth)).header_size() == 14);
}

TEST_CASE("IPv4 UDP frames: header fields, IPv4 and UDP checksums match the reference")
{
    const FrameTemplate t(config(TemplateProto::udp4));
    for (const std::uint32_t size : {60U, 61U, 64U, 333U, 1514U}) {
        for (const std::uint64_t seq : {0ULL, 1ULL, 0xffffffffffffffffULL, 0x0123456789abcdefULL}) {
            std::vector<std::uint8_t> f(size);
            t.build(f, 3, seq, some_time + seq);
            CAPTURE(size, seq);
            CHECK(hex_at(f, 0, 6) == wire_dst_mac);
            CHECK(hex_at(f, 6, 6) == wire_src_mac);
            CHECK(be16(&f[12]) == 0x0800);
            CHECK(f[14] == 0x45);
            CHECK(be16(&f[16]) == size - 14);
            CHECK(be16(&f[20]) == 0x4000);  // DF, offset 0: never fragmented
            CHECK(f[22] == 64);             // TTL
            CHECK(f[23] == 17);
            CHECK(hex_at(f, 26, 4) == wire_src_ip4);
            CHECK(hex_at(f, 30, 4) == wire_dst_ip4);
            const std::vector<std::uint8_t> iph(f.begin() + 14, f.begin() + 34);
            CHECK(reference_checksum(iph) == 0);  // a valid header sums to all ones
            CHECK(be16(&f[34]) == 40003);
            CHECK(be16(&f[36]) == 9);
            CHECK(be16(&f[38]) == size - 34);
            CHECK(be16(&f[40]) == reference_udp_checksum(f, false));
        }
    }
}

TEST_CASE("IPv6 UDP frames: header fields, payload length and the mandatory UDP checksum match the reference")
{
    const FrameTemplate t(config(TemplateProto::udp6));
    for (const std::uint32_t size : {80U, 81U, 200U, 1514U}) {
        std::vector<std::uint8_t> f(size);
        t.build(f, 0, 42, some_time);
        CAPTURE(size);
        CHECK(hex_at(f, 0, 6) == wire_dst_mac);
        CHECK(hex_at(f, 6, 6) == wire_src_mac);
        CHECK(be16(&f[12]) == 0x86dd);
        CHECK(f[14] >> 4 == 6);
        CHECK(be16(&f[18]) == size - 54);
        CHECK(f[20] == 17);
        CHECK(f[21] == 64);  // hop limit
        CHECK(hex_at(f, 22, 16) == wire_src_ip6);
        CHECK(hex_at(f, 38, 16) == wire_dst_ip6);
        CHECK(be16(&f[54 + 4]) == size - 54);
        const std::uint16_t c = be16(&f[54 + 6]);
        CHECK(c != 0);
        CHECK(c == reference_udp_checksum(f, true));
    }
}

TEST_CASE("a computed UDP checksum of zero goes out as 0xffff")
{
    // Search sequence numbers until one makes the sum come out at zero;
    // a 16-bit checksum hits it within 65536 tries.
    const FrameTemplate t(config(TemplateProto::udp4));
    std::vector<std::uint8_t> f(60);
    bool seen = false;
    for (std::uint64_t seq = 0; seq < 70000 && !seen; ++seq) {
        t.build(f, 0, seq, some_time);
        if (be16(&f[40]) == 0xffff) {
            seen = true;
            CHECK(reference_udp_checksum(f, false) == 0xffff);
        }
        REQUIRE(be16(&f[40]) != 0);
    }
    CHECK(seen);
}

TEST_CASE("a chunk reused for another size and flow needs only write_headers and stamp")
{
    // What xdp-tx does with a UMEM chunk: headers once per (size, flow),
    // then stamp per send; the padding stays zero throughout.
    for (const auto proto : {TemplateProto::udp4, TemplateProto::udp6}) {
        const FrameTemplate t(config(proto));
        const bool v6 = proto == TemplateProto::udp6;
        std::vector<std::uint8_t> chunk(2048, 0);
        std::uint64_t seq = 0;
        for (const std::uint32_t size : {1514U, 80U, 999U, 80U}) {
            for (std::uint32_t flow = 0; flow < 3; ++flow) {
                t.write_headers(chunk.data(), size, flow);
                for (int k = 0; k < 3; ++k, ++seq) {
                    t.stamp(chunk.data(), size, flow, seq, some_time + seq * 1000);
                    std::vector<std::uint8_t> f(chunk.begin(), chunk.begin() + size);
                    std::vector<std::uint8_t> fresh(size);
                    t.build(fresh, flow, seq, some_time + seq * 1000);
                    CAPTURE(v6, size, flow, seq);
                    CHECK(f == fresh);
                    CHECK(be16(&f[v6 ? 60 : 40]) == reference_udp_checksum(f, v6));
                }
            }
        }
    }
}

TEST_CASE("the stamp sits at the start of the UDP payload, as stats reads it")
{
    for (const auto proto : {TemplateProto::udp4, TemplateProto::udp6}) {
        const FrameTemplate t(config(proto));
        std::vector<std::uint8_t> f(t.min_size() + 10);
        t.build(f, 1, 0x1122334455667788ULL, some_time);
        const std::uint8_t *payload = &f[t.header_size()];
        // The documented big-endian layout, byte by byte.
        CHECK(payload[0] == 0x11);
        CHECK(payload[7] == 0x88);
        CHECK(payload[16] == 0xbe);
        CHECK(payload[17] == 0xef);
        const Stamp s = decode_stamp(payload);
        CHECK(s.sequence == 0x1122334455667788ULL);
        CHECK(s.sent_ns == some_time);
        CHECK(s.stream == 0xbeef);
        // netring stats finds the same stamp in the frame.
        const auto found = stats::find_stamp(f.data(), static_cast<std::uint32_t>(f.size()), 9);
        REQUIRE(found.has_value());
        CHECK(*found == s);
        for (std::size_t i = t.header_size() + stamp_size; i < f.size(); ++i)
            CHECK(f[i] == 0);
    }
}

TEST_CASE("bare Ethernet frames: EtherType 0x88b5, the stamp right after the header")
{
    const FrameTemplate t(config(TemplateProto::eth));
    std::vector<std::uint8_t> f(60);
    t.build(f, 5, 9, some_time);
    CHECK(hex_at(f, 0, 6) == wire_dst_mac);
    CHECK(hex_at(f, 6, 6) == wire_src_mac);
    CHECK(be16(&f[12]) == ethertype_local_experimental);
    CHECK(decode_stamp(&f[14]) == Stamp{9, some_time, 0xbeef});
    // netring stats --capture finds it there, whatever --port says.
    const auto found = stats::find_stamp(f.data(), static_cast<std::uint32_t>(f.size()), 7000);
    REQUIRE(found.has_value());
    CHECK(*found == (Stamp{9, some_time, 0xbeef}));
}
