// SPDX-License-Identifier: GPL-2.0-or-later
// Turning library errors into advice.
#include "errors.h"

#include <cerrno>

#include <fmt/format.h>

namespace netring::cli {

namespace {

std::string_view advice(const Error &e)
{
    switch (e.code) {
    case EPERM:
    case EACCES:
        if (e.context.find("AF_PACKET") != std::string::npos || e.context.find("AF_XDP") != std::string::npos ||
            e.context.find("promiscuous") != std::string::npos)
            return " (needs CAP_NET_RAW: run as root, or grant it with "
                   "setcap cap_net_raw,cap_net_admin+ep netring)";
        if (e.context.find("BPF") != std::string::npos || e.context.find("XDP") != std::string::npos)
            return " (needs CAP_BPF and CAP_NET_ADMIN: run as root, or grant them with setcap)";
        return " (permission denied: check the path's owner and mode)";
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
    const bool usage_error =
        error.context.rfind("no such interface", 0) == 0 || error.context.rfind("invalid", 0) == 0;
    return usage_error ? exit_usage : exit_runtime;
}

int usage(std::string_view command, std::string_view message)
{
    fmt::print(stderr, "netring {}: {}\n", command, message);
    return exit_usage;
}

}  // namespace netring::cli
