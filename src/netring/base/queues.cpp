// SPDX-License-Identifier: GPL-2.0-or-later
// Queue counts from sysfs (what the stack uses) and ethtool channels (what the NIC is set to).
#include "netring/base/queues.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "netring/base/unique_fd.h"

namespace netring {

namespace {

// A whole decimal number, nothing before or after it.
std::optional<std::uint32_t> number(std::string_view text)
{
    std::uint32_t v = 0;
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end)
        return std::nullopt;
    return v;
}

}  // namespace

InterfaceQueues interface_queues(const std::string &name)
{
    InterfaceQueues q;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator("/sys/class/net/" + name + "/queues", ec)) {
        const std::string n = entry.path().filename().string();
        if (n.rfind("rx-", 0) == 0)
            ++q.rx;
        else if (n.rfind("tx-", 0) == 0)
            ++q.tx;
    }
    if (name.empty() || name.size() >= IFNAMSIZ)
        return q;
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd.valid())
        return q;
    ethtool_channels ch{};
    ch.cmd = ETHTOOL_GCHANNELS;
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, name.c_str(), name.size());
    ifr.ifr_data = reinterpret_cast<char *>(&ch);
    if (::ioctl(fd.get(), SIOCETHTOOL, &ifr) == 0)
        q.channels = Channels{ch.rx_count,  ch.tx_count,     ch.combined_count, ch.other_count,
                              ch.max_rx,    ch.max_tx,       ch.max_combined,   ch.max_other};
    return q;
}

std::string missing_queue(const std::string &interface, std::string_view kind, std::uint32_t count,
                          std::uint32_t queue)
{
    return fmt::format("{} has only {} {} queue{} ({}): there is no queue {}", interface, count, kind,
                       count == 1 ? "" : "s", count == 1 ? std::string("queue 0") : fmt::format("queues 0-{}", count - 1),
                       queue);
}

std::optional<std::vector<std::uint32_t>> parse_queue_list(std::string_view text, std::uint32_t rx_queues,
                                                           std::string &problem)
{
    std::vector<std::uint32_t> queues;
    if (text == "all") {
        if (rx_queues == 0) {
            problem = "the interface has no RX queues";
            return std::nullopt;
        }
        for (std::uint32_t q = 0; q < rx_queues; ++q)
            queues.push_back(q);
        return queues;
    }
    if (text.empty()) {
        problem = "empty queue list";
        return std::nullopt;
    }
    const std::string_view whole = text;
    while (true) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        const std::size_t dash = item.find('-');
        const auto first = number(item.substr(0, dash));
        const auto last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
        if (!first || !last) {
            problem = fmt::format("queue list '{}': '{}' is not a queue number or range (e.g. 0-3,5)", whole, item);
            return std::nullopt;
        }
        if (*last < *first) {
            problem = fmt::format("queue list '{}': range {} runs backwards", whole, item);
            return std::nullopt;
        }
        if (*last >= rx_queues) {
            problem = fmt::format("queue list '{}': there is no queue {} (the interface has {} RX queue{})", whole,
                                  *last, rx_queues, rx_queues == 1 ? "" : "s");
            return std::nullopt;
        }
        for (std::uint32_t q = *first;; ++q) {
            queues.push_back(q);
            if (q == *last)
                break;
        }
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
    }
    std::sort(queues.begin(), queues.end());
    if (const auto dup = std::adjacent_find(queues.begin(), queues.end()); dup != queues.end()) {
        problem = fmt::format("queue list '{}' names queue {} twice", whole, *dup);
        return std::nullopt;
    }
    return queues;
}

}  // namespace netring
