// SPDX-License-Identifier: GPL-2.0-or-later
// How many RX and TX queues an interface has: sysfs, and ethtool's channels where the driver has them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// "veth0 has only 1 TX queue (queue 0): there is no queue 5": what to say
// of a queue number past the interface's count of kind ("RX" or "TX")
// queues, with the numbers there are.
std::string missing_queue(const std::string &interface, std::string_view kind, std::uint32_t count,
                          std::uint32_t queue);

// "0-3", "0,2,5", "1-2,5" or "all" (0 .. rx_queues-1): the queues, sorted,
// each once. Every queue must be below rx_queues. nullopt with `problem` set
// (one line, for the user) on anything else, duplicates included.
std::optional<std::vector<std::uint32_t>> parse_queue_list(std::string_view text, std::uint32_t rx_queues,
                                                           std::string &problem);

}  // namespace netring
