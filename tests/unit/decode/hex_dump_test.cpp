// SPDX-License-Identifier: GPL-2.0-or-later
// Hex dumps: the link-layer header tcpdump leaves out, and its line layout for -x and -X.
#include <array>
#include <numeric>

#include "catch.h"
#include "netring/decode/hex_dump.h"

using namespace netring;

namespace {

Frame frame_of(const std::uint8_t *data, std::uint32_t caplen)
{
    Frame f;
    f.data = data;
    f.caplen = caplen;
    f.wirelen = caplen;
    return f;
}

// 14-byte Ethernet header of the given type, then bytes 0x00, 0x01, ...
template <std::size_t N>
std::array<std::uint8_t, N> ethernet(std::uint16_t type)
{
    std::array<std::uint8_t, N> f{};
    std::iota(f.begin() + 14, f.end(), std::uint8_t{0});
    f[12] = static_cast<std::uint8_t>(type >> 8);
    f[13] = static_cast<std::uint8_t>(type);
    return f;
}

}  // namespace

TEST_CASE("the link-layer header is Ethernet's and every VLAN tag tcpdump walks")
{
    auto plain = ethernet<60>(0x0800);
    CHECK(ethernet_header_length(plain.data(), plain.size(), plain.size()) == 14);

    auto tagged = ethernet<60>(0x8100);
    tagged[16] = 0x08;  // the tag's inner type: IPv4
    tagged[17] = 0x00;
    CHECK(ethernet_header_length(tagged.data(), tagged.size(), tagged.size()) == 18);

    auto qinq = ethernet<60>(0x88a8);
    qinq[16] = 0x81;  // 802.1ad outer tag, then 802.1Q, then IPv6
    qinq[17] = 0x00;
    qinq[20] = 0x86;
    qinq[21] = 0xdd;
    CHECK(ethernet_header_length(qinq.data(), qinq.size(), qinq.size()) == 22);

    auto legacy = ethernet<60>(0x9100);
    legacy[16] = 0x08;
    legacy[17] = 0x06;
    CHECK(ethernet_header_length(legacy.data(), legacy.size(), legacy.size()) == 18);

    // Cut inside a tag, or inside the header itself: all of it is header.
    CHECK(ethernet_header_length(tagged.data(), 16, 60) == 16);
    CHECK(ethernet_header_length(plain.data(), 10, 60) == 10);
}

TEST_CASE("after an 802.3 length field, the LLC header (and SNAP's) is link layer too, as tcpdump counts it")
{
    auto stp = ethernet<60>(46);  // length 46: DSAP 0x42, SSAP 0x42, UI
    stp[14] = 0x42;
    stp[15] = 0x42;
    stp[16] = 0x03;
    CHECK(ethernet_header_length(stp.data(), stp.size(), stp.size()) == 17);
    stp[16] = 0x00;  // an I-format control field takes two bytes
    CHECK(ethernet_header_length(stp.data(), stp.size(), stp.size()) == 18);

    auto snap = ethernet<60>(46);
    snap[14] = 0xaa;
    snap[15] = 0xaa;
    snap[16] = 0x03;
    CHECK(ethernet_header_length(snap.data(), snap.size(), snap.size()) == 22);

    auto ipx = ethernet<60>(46);  // Novell's raw 802.3: no LLC header
    ipx[14] = 0xff;
    ipx[15] = 0xff;
    CHECK(ethernet_header_length(ipx.data(), ipx.size(), ipx.size()) == 14);

    CHECK(ethernet_header_length(stp.data(), 16, 60) == 16);  // cut inside the LLC header
}

TEST_CASE("-x: eight groups of two bytes a line, an odd last byte alone, nothing padded")
{
    auto f = ethernet<14 + 19>(0x0800);
    const std::string want = "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f"
                             "\n\t0x0010:  1011 12";
    CHECK(hex_dump(frame_of(f.data(), f.size()), {false, false}) == want);
}

TEST_CASE("-xx starts at the first byte")
{
    auto f = ethernet<18>(0x0800);
    const std::string want = "\n\t0x0000:  0000 0000 0000 0000 0000 0000 0800 0001"
                             "\n\t0x0010:  0203";
    CHECK(hex_dump(frame_of(f.data(), f.size()), {false, true}) == want);
}

TEST_CASE("-X: the hex padded to 40 columns, then the bytes that print, dots for the rest")
{
    auto f = ethernet<14 + 19>(0x0800);
    f[14 + 16] = 'G';
    f[14 + 17] = ' ';  // a space is not printed as itself
    f[14 + 18] = '~';
    const std::string want = "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................"
                             "\n\t0x0010:  4720 7e                                  G.~";
    CHECK(hex_dump(frame_of(f.data(), f.size()), {true, false}) == want);
}

TEST_CASE("a frame with nothing after its link-layer header dumps nothing unless -xx or -XX")
{
    auto f = ethernet<14>(0x0806);
    CHECK(hex_dump(frame_of(f.data(), f.size()), {false, false}).empty());
    CHECK(hex_dump(frame_of(f.data(), f.size()), {true, false}).empty());
    CHECK(hex_dump(frame_of(f.data(), f.size()), {true, true}) ==
          "\n\t0x0000:  0000 0000 0000 0000 0000 0000 0806       ..............");
}
