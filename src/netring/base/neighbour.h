// SPDX-License-Identifier: GPL-2.0-or-later
// Addresses of an interface and of its neighbours (ARP / NDP table), read over rtnetlink.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "netring/base/result.h"

namespace netring {

using MacAddress = std::array<std::uint8_t, 6>;
// An IPv4 address in the first 4 bytes, or an IPv6 address.
using IpAddress = std::array<std::uint8_t, 16>;

// The link-layer address the kernel's neighbour table holds for `ip` on
// interface ifindex (family AF_INET or AF_INET6), if it holds a usable one:
// entries being resolved or that failed to resolve are not.
Result<std::optional<MacAddress>> neighbour_mac(unsigned ifindex, int family, const IpAddress &ip);

// The interface's first address of that family (for IPv6 a global one
// before a link-local one), if it has any.
Result<std::optional<IpAddress>> interface_address(unsigned ifindex, int family);

}  // namespace netring
