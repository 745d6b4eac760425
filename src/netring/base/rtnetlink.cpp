// SPDX-License-Identifier: GPL-2.0-or-later
// One RTM_GETLINK request and the walk over its reply's attributes.
#include "netring/base/rtnetlink.h"

#include <array>
#include <cerrno>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <fmt/format.h>

namespace netring {

Result<UniqueFd> open_rtnetlink()
{
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, "open rtnetlink socket");
    }
    return fd;
}

Status for_each_link_attribute(unsigned ifindex, const std::function<void(const rtattr &)> &visit)
{
    auto fd = open_rtnetlink();
    if (!fd)
        return fd.error();
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = static_cast<int>(ifindex);
    if (auto st = send_rtnetlink(fd->get(), RTM_GETLINK, 0, 1, ifi, "send RTM_GETLINK"); !st)
        return st;
    // One link's attributes fit easily; a larger reply would be truncated
    // (MSG_TRUNC) and the attribute a caller wants then reported missing.
    alignas(nlmsghdr) std::array<char, 32768> buf{};
    const ssize_t n = ::recv(fd->get(), buf.data(), buf.size(), 0);
    if (n < 0) {
        const int err = errno;
        return Error::sys(err, "receive RTM_GETLINK reply");
    }
    int len = static_cast<int>(n);
    for (auto *nh = reinterpret_cast<nlmsghdr *>(buf.data()); NLMSG_OK(nh, static_cast<unsigned>(len));
         nh = NLMSG_NEXT(nh, len)) {
        if (nh->nlmsg_type == NLMSG_ERROR) {
            const auto *e = static_cast<const nlmsgerr *>(NLMSG_DATA(nh));
            return Error::sys(-e->error, fmt::format("RTM_GETLINK for interface index {}", ifindex));
        }
        if (nh->nlmsg_type != RTM_NEWLINK)
            continue;
        auto *ifi = static_cast<ifinfomsg *>(NLMSG_DATA(nh));
        int alen = static_cast<int>(IFLA_PAYLOAD(nh));
        for (auto *rta = IFLA_RTA(ifi); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
            visit(*rta);
        return {};
    }
    return Error::logic(fmt::format("no RTM_NEWLINK reply for interface index {}", ifindex));
}

}  // namespace netring
