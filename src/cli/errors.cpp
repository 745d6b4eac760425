// SPDX-License-Identifier: GPL-2.0-or-later
// Turning library errors into advice.
#include "errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <vector>

#include <linux/capability.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netring/base/capabilities.h"

namespace netring::cli {

namespace {

// The capabilities behind a privilege, in the order the kernel checks
// them, so that the first one missing is the culprit.
std::vector<int> capabilities_for(Privilege p)
{
    switch (p) {
    case Privilege::raw_socket:
        return {CAP_NET_RAW};
    case Privilege::bpf:
        return {CAP_BPF};
    case Privilege::net_bpf:
        return {CAP_BPF, CAP_NET_ADMIN};
    case Privilege::net_admin:
        return {CAP_NET_ADMIN};
    case Privilege::locked_memory:
        return {CAP_IPC_LOCK};
    case Privilege::none:
    case Privilege::stated:
        break;
    }
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
    const std::vector<int> needed = capabilities_for(e.needs);
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
std::string umem_advice()
{
    if (has_effective_capability(CAP_IPC_LOCK))
        return " (the UMEM could not be locked although CAP_IPC_LOCK is held: is memory short?)";
    const std::uint64_t limit = memlock_limit();
    return fmt::format(" (the UMEM is locked memory and RLIMIT_MEMLOCK is {} KiB: needs CAP_IPC_LOCK, which this "
                       "process lacks, or a higher ulimit -l; {})",
                       limit == UINT64_MAX ? std::string("unlimited") : std::to_string(limit >> 10), grant_hint());
}

// The errno of the first failed write to standard output; stdio keeps only
// a flag, and later calls overwrite errno.
int stdout_errno = 0;

}  // namespace

std::string advice(const Error &e)
{
    if (e.needs == Privilege::stated)
        return "";
    switch (e.code) {
    case EPERM:
    case EACCES:
        if (e.needs == Privilege::locked_memory)
            return umem_advice();
        return permission_advice(e);
    case ENOBUFS:
    case ENOMEM:
        if (e.needs == Privilege::locked_memory)
            return umem_advice();
        return "";
    case ENOSPC:
        return " (free some space or write elsewhere)";
    case EMSGSIZE:
        return " (the frame is larger than the interface MTU allows)";
    default:
        return "";
    }
}

int report(std::string_view command, const Error &error)
{
    eprint("netring {}: {}{}\n", command, error.message(), advice(error));
    return error.bad_input ? exit_usage : exit_runtime;
}

int usage(std::string_view command, std::string_view message)
{
    eprint("netring {}: {}\n", command, message);
    return exit_usage;
}

int stdout_failed(std::string_view command, int err)
{
    eprint("netring {}: write standard output: {}\n", command, std::strerror(err));
    return exit_runtime;
}

void write_stdout(std::string_view text)
{
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() && stdout_errno == 0)
        stdout_errno = errno != 0 ? errno : EIO;
}

int finish_stdout(std::string_view command)
{
    if (std::fflush(stdout) != 0 && stdout_errno == 0)
        stdout_errno = errno != 0 ? errno : EIO;
    if (stdout_errno == 0 && std::ferror(stdout) != 0)
        stdout_errno = EIO;
    return stdout_errno != 0 ? stdout_failed(command, stdout_errno) : exit_ok;
}

void guard_standard_fds()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        // The lowest free number: this one.
        const int null = ::open("/dev/null", O_RDWR);
        if (null != fd && null >= 0)
            ::close(null);
    }
}

}  // namespace netring::cli
