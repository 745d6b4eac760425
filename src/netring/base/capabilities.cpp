// SPDX-License-Identifier: GPL-2.0-or-later
// capget(2) straight through syscall(): one call does not justify libcap.
#include "netring/base/capabilities.h"

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

namespace netring {

const std::vector<CapabilityUse> &capabilities_used()
{
    static const std::vector<CapabilityUse> uses = {
        {CAP_NET_RAW, "CAP_NET_RAW", "open AF_PACKET and AF_XDP sockets"},
        {CAP_NET_ADMIN, "CAP_NET_ADMIN", "attach XDP programs, create XSKMAPs"},
        {CAP_BPF, "CAP_BPF", "load BPF programs and create BPF maps"},
        {CAP_IPC_LOCK, "CAP_IPC_LOCK", "lock AF_XDP UMEM beyond RLIMIT_MEMLOCK"},
    };
    return uses;
}

bool has_effective_capability(int cap)
{
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    header.pid = 0;
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    const auto word = static_cast<unsigned>(cap) / 32;
    if (word >= _LINUX_CAPABILITY_U32S_3)
        return false;
    return (data[word].effective & (1U << (static_cast<unsigned>(cap) % 32))) != 0;
}

std::string capability_name(int cap)
{
    for (const auto &u : capabilities_used())
        if (u.number == cap)
            return u.name;
    return fmt::format("capability {}", cap);
}

std::uint64_t memlock_limit()
{
    rlimit r{};
    if (::getrlimit(RLIMIT_MEMLOCK, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
        return UINT64_MAX;
    return r.rlim_cur;
}

}  // namespace netring
