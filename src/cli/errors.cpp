// SPDX-License-Identifier: GPL-2.0-or-later
// Turning library errors into advice.
#include "errors.h"

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include <linux/capability.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netring/base/capabilities.h"

namespace netring::cli {

namespace {

bool mentions(const Error &e, std::string_view what)
{
    return e.context.find(what) != std::string::npos;
}

// The capabilities the failed step needs, judged by what it was doing. The
// kernel checks them in this order, so the first one missing is the culprit.
std::vector<int> needed_for(const Error &e)
{
    // XSKMAPs and XDP programs are "net admin" BPF objects: CAP_BPF, then CAP_NET_ADMIN.
    if (mentions(e, "load BPF program") || mentions(e, "create BPF map"))
        return {CAP_BPF, CAP_NET_ADMIN};
    if (mentions(e, "attach XDP program") || mentions(e, "BPF_LINK_CREATE"))
        return {CAP_NET_ADMIN};
    if (mentions(e, "AF_PACKET") || mentions(e, "AF_XDP") || mentions(e, "packet socket") ||
        mentions(e, "promiscuous"))
        return {CAP_NET_RAW};
    if (mentions(e, "BPF") || mentions(e, "XSKMAP"))
        return {CAP_BPF};
    return {};
}

std::string executable_path()
{
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("netring") : p.string();
}

std::string grant_hint()
{
    return fmt::format("run as root, or grant them all with: setcap cap_net_raw,cap_net_admin,cap_bpf,cap_ipc_lock+ep {}",
                       executable_path());
}

std::string permission_advice(const Error &e)
{
    if (mentions(e, "(needs "))
        return "";  // the step said what it needs
    const std::vector<int> needed = needed_for(e);
    if (needed.empty())
        return " (permission denied: check the path's owner and mode)";
    std::vector<std::string> names, missing;
    for (int cap : needed) {
        names.push_back(capability_name(cap));
        if (!has_effective_capability(cap))
            missing.push_back(names.back());
    }
    if (missing.empty())
        return fmt::format(" ({} is held, yet the kernel refused: a user namespace, an LSM or seccomp policy?)",
                           fmt::join(names, " and "));
    return fmt::format(" (needs {}, which this process lacks: {})", fmt::join(missing, " and "), grant_hint());
}

// AF_XDP pins the UMEM: without CAP_IPC_LOCK it counts against RLIMIT_MEMLOCK.
std::string umem_advice(const Error &e)
{
    if (mentions(e, "CAP_IPC_LOCK"))
        return "";  // the library said it already
    if (has_effective_capability(CAP_IPC_LOCK))
        return " (the UMEM could not be locked although CAP_IPC_LOCK is held: is memory short?)";
    const std::uint64_t limit = memlock_limit();
    return fmt::format(" (the UMEM is locked memory and RLIMIT_MEMLOCK is {} KiB: needs CAP_IPC_LOCK, which this "
                       "process lacks, or a higher ulimit -l; {})",
                       limit == UINT64_MAX ? std::string("unlimited") : std::to_string(limit >> 10), grant_hint());
}

std::string advice(const Error &e)
{
    switch (e.code) {
    case EPERM:
    case EACCES:
        if (mentions(e, "XDP_UMEM_REG"))
            return umem_advice(e);
        return permission_advice(e);
    case ENOBUFS:
    case ENOMEM:
        if (mentions(e, "XDP_UMEM_REG"))
            return umem_advice(e);
        return "";
    case ENOSPC:
        return " (the file holds every frame counted; free some space or write elsewhere)";
    case EMSGSIZE:
        return " (the frame is larger than the interface MTU allows)";
    default:
        return "";
    }
}

}  // namespace

int report(std::string_view command, const Error &error)
{
    fmt::print(stderr, "netring {}: {}{}\n", command, error.message(), advice(error));
    return error.bad_input ? exit_usage : exit_runtime;
}

int usage(std::string_view command, std::string_view message)
{
    fmt::print(stderr, "netring {}: {}\n", command, message);
    return exit_usage;
}

}  // namespace netring::cli
