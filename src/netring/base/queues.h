// SPDX-License-Identifier: GPL-2.0-or-later
// How many RX and TX queues an interface has: sysfs, and ethtool's channels where the driver has them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace netring {

struct Channels {  // ETHTOOL_GCHANNELS
    std::uint32_t rx = 0, tx = 0, combined = 0, other = 0;
    std::uint32_t max_rx = 0, max_tx = 0, max_combined = 0, max_other = 0;
};

struct InterfaceQueues {
    std::uint32_t rx = 0;  // /sys/class/net/IFACE/queues/rx-*
    std::uint32_t tx = 0;
    std::optional<Channels> channels;  // none when the driver does not implement it
};

InterfaceQueues interface_queues(const std::string &name);

}  // namespace netring
