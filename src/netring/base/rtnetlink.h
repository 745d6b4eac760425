// SPDX-License-Identifier: GPL-2.0-or-later
// The rtnetlink exchanges that several modules share.
#pragma once

#include <cerrno>
#include <cstdint>
#include <functional>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring {

// A NETLINK_ROUTE socket.
Result<UniqueFd> open_rtnetlink();

// Sends one request on fd: a netlink header of `type` with NLM_F_REQUEST and
// `flags`, sequence number `seq`, then `body` (ifinfomsg, ndmsg, ...).
// Errors name `what`.
template <typename Body>
Status send_rtnetlink(int fd, std::uint16_t type, std::uint16_t flags, std::uint32_t seq, const Body &body,
                      const char *what)
{
    struct {
        nlmsghdr h;
        Body b;
    } msg{};
    msg.h.nlmsg_len = sizeof(msg);
    msg.h.nlmsg_type = type;
    msg.h.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
    msg.h.nlmsg_seq = seq;
    msg.b = body;
    if (::send(fd, &msg, sizeof(msg), 0) < 0) {
        const int err = errno;
        return Error::sys(err, what);
    }
    return {};
}

// Calls visit on each attribute of one interface's RTM_NEWLINK (RTM_GETLINK
// by index); ENODEV and friends come back as errors with the index named.
Status for_each_link_attribute(unsigned ifindex, const std::function<void(const rtattr &)> &visit);

}  // namespace netring
