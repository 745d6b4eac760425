// SPDX-License-Identifier: GPL-2.0-or-later
// Kernel versions rather than probes: a probe needs an interface and CAP_NET_RAW, and --version needs neither.
#include "netring/afxdp/kernel_features.h"

#include <cstdio>
#include <sys/utsname.h>

namespace netring::xdp {

KernelVersion running_kernel()
{
    KernelVersion v;
    utsname u{};
    if (::uname(&u) != 0)
        return v;
    v.release = u.release;
    if (std::sscanf(u.release, "%d.%d", &v.major, &v.minor) != 2)
        v.major = v.minor = 0;
    return v;
}

std::vector<KernelFeature> kernel_features(const KernelVersion &kernel)
{
    std::vector<KernelFeature> list = {
        {"af_xdp", "AF_XDP sockets", 4, 18, false},
        {"need_wakeup", "need-wakeup flags (XDP_USE_NEED_WAKEUP)", 5, 4, false},
        {"unaligned_chunks", "unaligned UMEM chunks", 5, 4, false},
        {"shared_umem", "one UMEM shared across queues and interfaces", 5, 10, false},
        {"prefer_busy_poll", "preferred busy polling (SO_PREFER_BUSY_POLL)", 5, 11, false},
        {"bpf_ktime_get_tai_ns", "TAI timestamps in XDP programs", 6, 1, false},
        {"xdp_features", "per-driver XDP features over netlink", 6, 3, false},
        {"multi_buffer", "multi-buffer frames (XDP_USE_SG)", 6, 6, false},
        {"tx_metadata", "TX metadata: timestamps and checksum offload", 6, 8, false},
        {"tx_launch_time", "TX launch time", 6, 14, false},
    };
    for (auto &f : list)
        f.available = kernel.major > f.major || (kernel.major == f.major && kernel.minor >= f.minor);
    return list;
}

}  // namespace netring::xdp
