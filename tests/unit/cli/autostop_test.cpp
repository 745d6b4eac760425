// SPDX-License-Identifier: GPL-2.0-or-later
// -a conditions parse as dumpcap reads them, and bad ones say why.
#include "catch.h"
#include "cli/autostop.h"

#include <fmt/format.h>

#include "netring/pcap/rotation_policy.h"

using netring::cli::parse_autostop;

TEST_CASE("duration, packets and filesize are read; --duration is the default")
{
    std::string problem;
    auto s = parse_autostop({"packets:500", "filesize:1024"}, 2.5, problem);
    REQUIRE(s.has_value());
    CHECK(s->seconds == 2.5);
    CHECK(s->packets == 500);
    CHECK(s->kilobytes == 1024);

    s = parse_autostop({"duration:0.5"}, 10, problem);
    REQUIRE(s.has_value());
    CHECK(s->seconds == 0.5);
}

TEST_CASE("malformed conditions are refused with the reason")
{
    std::string problem;
    CHECK_FALSE(parse_autostop({"duration"}, 0, problem).has_value());
    CHECK(problem.find("expected duration:SEC") != std::string::npos);
    CHECK_FALSE(parse_autostop({"duration:-1"}, 0, problem).has_value());
    CHECK_FALSE(parse_autostop({"duration:2x"}, 0, problem).has_value());
    CHECK_FALSE(parse_autostop({"duration:0x10"}, 0, problem).has_value());
    CHECK_FALSE(parse_autostop({"duration:inf"}, 0, problem).has_value());
    CHECK(problem.find("expected duration:SEC") != std::string::npos);
    CHECK_FALSE(parse_autostop({"files:3"}, 0, problem).has_value());
    CHECK(problem.find("unknown condition 'files'") != std::string::npos);
}

TEST_CASE("time and size limits past a century or 2^62 are refused")
{
    using netring::max_limit_bytes;
    using netring::max_limit_seconds;
    std::string problem;
    CHECK(parse_autostop({}, static_cast<double>(max_limit_seconds), problem).has_value());
    CHECK_FALSE(parse_autostop({}, 1e12, problem).has_value());
    CHECK(problem == fmt::format("--duration 1000000000000: at most {} seconds (a century)", max_limit_seconds));
    CHECK_FALSE(parse_autostop({"duration:1e12"}, 0, problem).has_value());
    CHECK(problem == fmt::format("-a duration:1e12: at most {} seconds (a century)", max_limit_seconds));
    CHECK_FALSE(parse_autostop({"packets:1e19"}, 0, problem).has_value());
    CHECK(problem == fmt::format("-a packets:1e19: at most {}", max_limit_bytes));
    CHECK(parse_autostop({fmt::format("filesize:{}", max_limit_bytes / 1000)}, 0, problem).has_value());
}

TEST_CASE("packets and filesize are whole numbers: a fraction would have meant no limit")
{
    std::string problem;
    CHECK_FALSE(parse_autostop({"packets:0.5"}, 0, problem).has_value());
    CHECK(problem == "-a packets:0.5: packets takes a whole number from 1 up");
    CHECK_FALSE(parse_autostop({"filesize:0.0001"}, 0, problem).has_value());
    CHECK_FALSE(parse_autostop({"packets:2.9"}, 0, problem).has_value());
}

TEST_CASE("a condition given twice stops at the first met; -a duration overrides --duration")
{
    std::string problem;
    auto s = parse_autostop({"packets:50", "packets:10", "filesize:9", "filesize:20"}, 0, problem);
    REQUIRE(s.has_value());
    CHECK(s->packets == 10);
    CHECK(s->kilobytes == 9);
    s = parse_autostop({"duration:5"}, 2, problem);
    REQUIRE(s.has_value());
    CHECK(s->seconds == 5);
    s = parse_autostop({"duration:5", "duration:3"}, 2, problem);
    REQUIRE(s.has_value());
    CHECK(s->seconds == 3);
}
