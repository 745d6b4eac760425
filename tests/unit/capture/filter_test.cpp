// SPDX-License-Identifier: GPL-2.0-or-later
// Filters: libpcap compilation, the snap length as verdict, VLAN detection.
#include <array>

#include "catch.h"
#include "netring/capture/filter.h"

using namespace netring;

namespace {

// A minimal Ethernet + IPv4 + UDP frame to dst port 53.
std::array<std::uint8_t, 60> udp_frame()
{
    std::array<std::uint8_t, 60> f{};
    f[12] = 0x08;
    f[13] = 0x00;
    f[14] = 0x45;
    f[23] = 17;  // UDP
    f[36] = 0;
    f[37] = 53;
    return f;
}

}  // namespace

TEST_CASE("the compiled program returns the snap length for kept frames")
{
    auto f = Filter::compile("udp port 53", 96);
    REQUIRE(f.ok());
    auto frame = udp_frame();
    const bpf_program &prog = f->program();
    CHECK(bpf_filter(prog.bf_insns, frame.data(), 60, 60) == 96);
    frame[23] = 6;  // TCP
    CHECK(bpf_filter(prog.bf_insns, frame.data(), 60, 60) == 0);
    CHECK_FALSE(f->needs_user_space());
}

TEST_CASE("an empty expression keeps everything, at the snap length")
{
    auto f = Filter::compile("", 262144);
    REQUIRE(f.ok());
    CHECK(f->accepts_all());
    auto frame = udp_frame();
    CHECK(bpf_filter(f->program().bf_insns, frame.data(), 60, 60) == 262144);
    CHECK(f->matches(frame.data(), 60, 60));
}

TEST_CASE("an invalid expression is an error with libpcap's reason")
{
    auto f = Filter::compile("udp and", 100);
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().message().rfind("invalid filter 'udp and': ", 0) == 0);
    CHECK(f.error().message().find("syntax error") != std::string::npos);
}

TEST_CASE("VLAN primitives are found as words, not inside other words")
{
    CHECK(expression_uses_vlan("vlan"));
    CHECK(expression_uses_vlan("vlan 10 and udp"));
    CHECK(expression_uses_vlan("udp or (vlan and tcp)"));
    CHECK_FALSE(expression_uses_vlan("host vlanhost.example"));
    CHECK_FALSE(expression_uses_vlan("udp port 53"));
    CHECK(Filter::compile("vlan and udp", 100)->needs_user_space());
}
