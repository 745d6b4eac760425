// SPDX-License-Identifier: GPL-2.0-or-later
// The rtnetlink exchanges that several modules share.
#pragma once

#include <functional>
#include <linux/rtnetlink.h>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring {

// A NETLINK_ROUTE socket.
Result<UniqueFd> open_rtnetlink();

// Calls visit on each attribute of one interface's RTM_NEWLINK (RTM_GETLINK
// by index); ENODEV and friends come back as errors with the index named.
Status for_each_link_attribute(unsigned ifindex, const std::function<void(const rtattr &)> &visit);

}  // namespace netring
