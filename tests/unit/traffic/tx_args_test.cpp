// SPDX-License-Identifier: GPL-2.0-or-later
// xdp-tx arguments: size values, lists and ranges; rates with suffixes.
#include <cstdint>
#include <vector>

#include "catch.h"
#include "netring/traffic/tx_args.h"

using namespace netring::traffic;

TEST_CASE("sizes: a value, a list, a range swept byte by byte, and both mixed")
{
    CHECK(parse_sizes("64").value() == std::vector<std::uint32_t>{64});
    CHECK(parse_sizes("64,512,1514").value() == std::vector<std::uint32_t>{64, 512, 1514});
    const auto range = parse_sizes("64-1514").value();
    REQUIRE(range.size() == 1451);
    CHECK(range.front() == 64);
    CHECK(range[1] == 65);
    CHECK(range.back() == 1514);
    CHECK(parse_sizes("60,100-102,60").value() == std::vector<std::uint32_t>{60, 100, 101, 102, 60});
    CHECK(parse_sizes("70-70").value() == std::vector<std::uint32_t>{70});
}

TEST_CASE("sizes: malformed text is an error that says so")
{
    for (const char *bad : {"", ",", "64,", "a", "64-", "-64", "100-60", "64 ", "1e3", "64--80", "99999999999"}) {
        CAPTURE(bad);
        const auto r = parse_sizes(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message().rfind("invalid --size", 0) == 0);
    }
    CHECK_FALSE(parse_sizes("0-4000000000").ok());  // far too many sizes to hold
}

TEST_CASE("rates: numbers with k, M and G suffixes; zero and junk are refused")
{
    CHECK(parse_rate("1000", "--rate").value() == 1000.0);
    CHECK(parse_rate("2.5k", "--rate").value() == 2500.0);
    CHECK(parse_rate("1M", "--rate").value() == 1e6);
    CHECK(parse_rate("10G", "--bitrate").value() == 1e10);
    for (const char *bad : {"0", "0k", "-5", "", "M", "abc", "1x", "inf", "nan"}) {
        CAPTURE(bad);
        const auto r = parse_rate(bad, "--rate");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message().rfind("invalid --rate", 0) == 0);
    }
}
