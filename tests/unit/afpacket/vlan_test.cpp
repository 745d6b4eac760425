// SPDX-License-Identifier: GPL-2.0-or-later
// VLAN reinsertion writes the tag where libpcap puts it.
#include <array>
#include <cstring>

#include "catch.h"
#include "netring/afpacket/vlan.h"

using namespace netring::afpacket;

TEST_CASE("the tag goes after both MAC addresses, the rest is unchanged")
{
    std::array<std::uint8_t, 4 + 20> buf{};
    std::uint8_t *mac = buf.data() + 4;
    for (int i = 0; i < 20; ++i)
        mac[i] = static_cast<std::uint8_t>(i + 1);  // dst 1..6, src 7..12, type 13 14, payload
    const std::uint8_t *start = insert_vlan_tag(mac, 20, tpid_8021q, 0x200a);  // PCP 1, VID 10
    REQUIRE(start == buf.data());
    const std::array<std::uint8_t, 24> want{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x20, 0x0a,
                                            13, 14, 15, 16, 17, 18, 19, 20};
    CHECK(std::memcmp(start, want.data(), want.size()) == 0);
}

TEST_CASE("802.1ad outer tags keep their TPID")
{
    std::array<std::uint8_t, 4 + 14> buf{};
    const std::uint8_t *start = insert_vlan_tag(buf.data() + 4, 14, 0x88a8, 5);
    CHECK(start[12] == 0x88);
    CHECK(start[13] == 0xa8);
    CHECK(start[15] == 5);
}

TEST_CASE("a frame shorter than two MAC addresses is left alone")
{
    std::array<std::uint8_t, 4 + 11> buf{};
    std::uint8_t *mac = buf.data() + 4;
    CHECK(insert_vlan_tag(mac, 11, tpid_8021q, 1) == mac);
}
