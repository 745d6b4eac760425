// SPDX-License-Identifier: GPL-2.0-or-later
// The advice after an error follows the privilege its step needs, not the words of its message.
#include <cerrno>
#include <string>

#include "catch.h"
#include "cli/errors.h"

using namespace netring;
using netring::cli::advice;

namespace {

bool has(const std::string &text, const char *what) { return text.find(what) != std::string::npos; }

}  // namespace

// Whether this process holds the capability or not, the advice names it.
TEST_CASE("a refused step is told the capabilities it needs")
{
    CHECK(has(advice(Error::sys(EPERM, "open AF_PACKET socket").needing(Privilege::raw_socket)), "CAP_NET_RAW"));
    CHECK(has(advice(Error::sys(EPERM, "create BPF map xsks").needing(Privilege::net_bpf)), "CAP_BPF"));
    CHECK(has(advice(Error::sys(EPERM, "attach XDP program").needing(Privilege::net_admin)), "CAP_NET_ADMIN"));
    // Once named after its words ("AF_XDP" came first), this one got CAP_NET_RAW.
    const Error insert =
        Error::sys(EPERM, "insert the AF_XDP socket for queue 0 into the XSKMAP").needing(Privilege::bpf);
    CHECK(has(advice(insert), "CAP_BPF"));
    CHECK_FALSE(has(advice(insert), "CAP_NET_RAW"));
}

TEST_CASE("words in a message no longer pick the capability")
{
    const std::string a = advice(Error::sys(EACCES, "open /tmp/AF_PACKET-BPF.pcapng for writing"));
    CHECK(has(a, "owner and mode"));
    CHECK_FALSE(has(a, "CAP_"));
}

TEST_CASE("locked memory is advised on the errors the UMEM gives")
{
    const Error full = Error::sys(ENOBUFS, "XDP_UMEM_REG of 32768 frames").needing(Privilege::locked_memory);
    CHECK(has(advice(full), "CAP_IPC_LOCK"));
    CHECK(advice(Error::sys(ENOBUFS, "sendto AF_XDP socket")).empty());
}

TEST_CASE("a step that says what it needs gets nothing added")
{
    CHECK(advice(Error::sys(EPERM, "-Z nobody: set uid 65534 (needs root or CAP_SETUID)").needing(Privilege::stated))
              .empty());
}
