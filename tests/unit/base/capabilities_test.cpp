// SPDX-License-Identifier: GPL-2.0-or-later
// has_effective_capability agrees with the kernel's own view in /proc/self/status.
#include <fstream>
#include <string>

#include <linux/capability.h>

#include "catch.h"
#include "netring/base/capabilities.h"

namespace {

unsigned long long cap_eff_from_proc()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0)
            return std::stoull(line.substr(7), nullptr, 16);
    return 0;
}

}  // namespace

TEST_CASE("has_effective_capability matches CapEff in /proc/self/status")
{
    const unsigned long long eff = cap_eff_from_proc();
    for (const auto &use : netring::capabilities_used()) {
        INFO(use.name);
        CHECK(netring::has_effective_capability(use.number) == (((eff >> use.number) & 1U) != 0));
    }
}

TEST_CASE("capabilities_used names the four netring needs")
{
    REQUIRE(netring::capabilities_used().size() == 4);
    CHECK(netring::capability_name(CAP_NET_RAW) == "CAP_NET_RAW");
    CHECK(netring::capability_name(CAP_BPF) == "CAP_BPF");
    CHECK(netring::capability_name(CAP_SYS_ADMIN) == "capability 21");
    CHECK_FALSE(netring::has_effective_capability(4096));
}
