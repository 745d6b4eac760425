// SPDX-License-Identifier: GPL-2.0-or-later
// Fanout mode names: every mode round-trips through its name, and nothing else parses.
#include "catch.h"
#include "netring/afpacket/fanout.h"

using netring::afpacket::FanoutMode;
using netring::afpacket::parse_fanout_mode;
using netring::afpacket::to_string;

TEST_CASE("fanout mode names round-trip", "[fanout]")
{
    for (const FanoutMode mode : {FanoutMode::hash, FanoutMode::lb, FanoutMode::cpu, FanoutMode::rollover,
                                  FanoutMode::random, FanoutMode::qm})
        CHECK(parse_fanout_mode(to_string(mode)) == mode);
    CHECK(parse_fanout_mode("hash") == FanoutMode::hash);
    CHECK(parse_fanout_mode("qm") == FanoutMode::qm);
}

TEST_CASE("unknown fanout mode names", "[fanout]")
{
    for (const char *name : {"", "HASH", "rnd", "cbpf", "ebpf", "hash ", "lb,hash"})
        CHECK_FALSE(parse_fanout_mode(name));
}
