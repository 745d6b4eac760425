// SPDX-License-Identifier: GPL-2.0-or-later
// has_effective_capability agrees with the kernel's own view in /proc/self/status.
#include <cstdint>
#include <fstream>
#include <string>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catch.h"
#include "netring/base/capabilities.h"

namespace {

// One of the Cap* lines ("CapEff:", "CapPrm:", "CapInh:") of /proc/self/status.
unsigned long long cap_set_from_proc(const std::string &field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0)
            return std::stoull(line.substr(field.size()), nullptr, 16);
    return 0;
}

// Why the child below failed, as its exit status.
enum ChildExit { dropped_ok = 0, capset_failed = 10, kernel_kept_it = 11, reported_held = 12 };

// Clears the capabilities netring uses from this process's effective set
// (permitted and inheritable stay as they are) and says whether
// has_effective_capability noticed. Runs in a child: the drop is for good.
[[noreturn]] void drop_and_check()
{
    const unsigned long long eff = cap_set_from_proc("CapEff:");
    const unsigned long long prm = cap_set_from_proc("CapPrm:");
    const unsigned long long inh = cap_set_from_proc("CapInh:");
    unsigned long long dropped = 0;
    for (const auto &use : netring::capabilities_used())
        dropped |= 1ULL << use.number;
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    for (unsigned w = 0; w < _LINUX_CAPABILITY_U32S_3; ++w) {
        data[w].effective = static_cast<std::uint32_t>((eff & ~dropped) >> (32 * w));
        data[w].permitted = static_cast<std::uint32_t>(prm >> (32 * w));
        data[w].inheritable = static_cast<std::uint32_t>(inh >> (32 * w));
    }
    if (::syscall(SYS_capset, &header, data) != 0)
        ::_exit(capset_failed);
    if ((cap_set_from_proc("CapEff:") & dropped) != 0)
        ::_exit(kernel_kept_it);
    for (const auto &use : netring::capabilities_used())
        if (netring::has_effective_capability(use.number))
            ::_exit(reported_held);
    ::_exit(dropped_ok);
}

}  // namespace

TEST_CASE("has_effective_capability matches CapEff in /proc/self/status")
{
    // Every bit, not only the four netring uses: even root may lack some
    // (a container's bounding set), and those must read as clear.
    const unsigned long long eff = cap_set_from_proc("CapEff:");
    for (int cap = 0; cap < 64; ++cap) {
        INFO(netring::capability_name(cap));
        CHECK(netring::has_effective_capability(cap) == (((eff >> cap) & 1U) != 0));
    }
}

TEST_CASE("a capability dropped from the effective set is reported missing")
{
    // Run as root every capability is held, so the check above cannot tell
    // "reads the set" from "says yes": drop some and ask again.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0)
        drop_and_check();
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    INFO("child exit status " << WEXITSTATUS(status) << " (10 capset failed, 11 kernel kept it, 12 reported held)");
    CHECK(WEXITSTATUS(status) == dropped_ok);
}

TEST_CASE("capabilities_used names the four netring needs")
{
    REQUIRE(netring::capabilities_used().size() == 4);
    CHECK(netring::capability_name(CAP_NET_RAW) == "CAP_NET_RAW");
    CHECK(netring::capability_name(CAP_BPF) == "CAP_BPF");
    CHECK(netring::capability_name(CAP_SYS_ADMIN) == "capability 21");
    CHECK_FALSE(netring::has_effective_capability(4096));
}
