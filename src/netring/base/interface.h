// SPDX-License-Identifier: GPL-2.0-or-later
// Network interface lookup: index, state, MTU, hardware address, driver.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "netring/base/result.h"

namespace netring {

struct InterfaceInfo {
    std::string name;
    unsigned index = 0;
    unsigned flags = 0;  // IFF_*
    unsigned mtu = 0;
    std::array<std::uint8_t, 6> mac{};
    unsigned short hw_type = 0;  // ARPHRD_*: the kind of link-layer header
    std::string driver;          // empty when ethtool does not say

    [[nodiscard]] bool up() const;
    [[nodiscard]] bool running() const;
    // Frames on it start with an Ethernet header (loopback's too, zeroed).
    [[nodiscard]] bool ethernet() const;
};

// What netring is about to do with an interface, for the advice of
// require_ethernet().
enum class LinkUse { capture, send };

// An error unless the interface carries Ethernet frames: netring's files
// say Ethernet, its filters are compiled for it and it sends Ethernet
// frames, so a tun or WireGuard interface (raw IP) would get wrong files.
// One line that says what to do instead, for a capture or a send.
Status require_ethernet(const InterfaceInfo &info, LinkUse use);

// No such interface is bad input, ENODEV, naming the interfaces there are.
Result<InterfaceInfo> lookup_interface(const std::string &name);

// lookup_interface() for an interface that must exist and be up; errors say
// what to do ("no such interface 'x' (interfaces here: ...)", "bring it up").
Result<InterfaceInfo> usable_interface(const std::string &name);

// Names of every interface in this network namespace, in index order.
std::vector<std::string> interface_names();

// Why a capture on interface ifindex, opened as name, must end: it went
// down, or it (or the name) went away. Success while it is still up.
Status link_lost(const std::string &name, unsigned ifindex);

// Whether a capture's error is such a loss (link_lost's, or a socket's
// ENETDOWN/ENODEV): the frames already in its ring are still to be taken.
bool is_link_loss(const Error &error);

// Whether the interface is up but not running: without a carrier (a cable
// out, a veth whose peer is down, in this namespace or another) it takes the
// frames sent and drops them. False when it is down or gone, which
// usable_interface() and link_lost() report.
bool lacks_carrier(const std::string &name);

}  // namespace netring
