// SPDX-License-Identifier: GPL-2.0-or-later
// ETHTOOL_GSSET_INFO, ETHTOOL_GSTRINGS and ETHTOOL_GSTATS on an unprivileged socket.
#include "netring/stats/driver_stats.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <fmt/format.h>

namespace netring::stats {

namespace {

int ethtool(int fd, const std::string &interface, void *cmd)
{
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, interface.c_str(), std::min(interface.size(), sizeof(ifr.ifr_name) - 1));
    ifr.ifr_data = static_cast<char *>(cmd);
    return ::ioctl(fd, SIOCETHTOOL, &ifr);
}

// The kernel copies out as many values (or names) as the driver has when it
// is asked, whatever count the caller's buffer was sized for: a driver that
// grew its set between our count and our read (queues added) would write past
// the end. Counting just before each read narrows that to two back-to-back
// ioctls; this much room beyond the count covers growth within them.
constexpr std::uint32_t slack = 1024;

// The number of ETH_SS_STATS counters the driver has now; 0 when it has none.
Result<std::uint32_t> count_stats(int fd, const std::string &interface)
{
    // ethtool_sset_info ends in a flexible array: one u32 follows for our one set.
    alignas(ethtool_sset_info) std::uint8_t info_buf[sizeof(ethtool_sset_info) + sizeof(std::uint32_t)] = {};
    auto *info = reinterpret_cast<ethtool_sset_info *>(info_buf);
    info->cmd = ETHTOOL_GSSET_INFO;
    info->sset_mask = std::uint64_t{1} << ETH_SS_STATS;
    if (ethtool(fd, interface, info) != 0) {
        const int err = errno;
        if (err == EOPNOTSUPP || err == EINVAL)
            return std::uint32_t{0};
        return Error::sys(err, fmt::format("ethtool statistics count of {}", interface));
    }
    std::uint32_t count = 0;
    std::memcpy(&count, info_buf + sizeof(ethtool_sset_info), sizeof(count));
    return (info->sset_mask & (std::uint64_t{1} << ETH_SS_STATS)) == 0 ? 0 : count;
}

Error set_changed(const std::string &interface)
{
    return Error::sys(EAGAIN, fmt::format("the driver of {} changed its set of statistics", interface));
}

bool wanted(const std::string &name, DriverStatsSet set)
{
    if (set == DriverStatsSet::all)
        return true;
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("queue") != std::string::npos || lower.find("xdp") != std::string::npos;
}

}  // namespace

Result<DriverStats> DriverStats::open(const std::string &interface, DriverStatsSet set)
{
    DriverStats d;
    d.interface_ = interface;
    if (set == DriverStatsSet::none)
        return d;
    // Any socket reaches SIOCETHTOOL; reading statistics needs no capability.
    d.fd_ = UniqueFd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!d.fd_.valid()) {
        const int err = errno;
        return Error::sys(err, "socket for ethtool ioctls");
    }
    auto count = count_stats(d.fd_.get(), interface);
    if (!count)
        return count.error();
    if (count.value() == 0)
        return d;
    d.total_ = count.value();
    std::vector<std::uint8_t> strings(sizeof(ethtool_gstrings) + std::size_t{d.total_ + slack} * ETH_GSTRING_LEN);
    auto *gs = reinterpret_cast<ethtool_gstrings *>(strings.data());
    gs->cmd = ETHTOOL_GSTRINGS;
    gs->string_set = ETH_SS_STATS;
    gs->len = d.total_;
    if (ethtool(d.fd_.get(), interface, gs) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("ethtool statistics names of {}", interface));
    }
    if (gs->len != d.total_)
        return set_changed(interface);
    const std::uint32_t got = d.total_;
    for (std::uint32_t i = 0; i < got; ++i) {
        const char *s = reinterpret_cast<const char *>(strings.data() + sizeof(ethtool_gstrings)) + std::size_t{i} * ETH_GSTRING_LEN;
        std::string name(s, strnlen(s, ETH_GSTRING_LEN));
        if (wanted(name, set)) {
            d.picked_.push_back(i);
            d.names_.push_back(std::move(name));
        }
    }
    if (d.names_.empty())
        d.fd_ = UniqueFd();
    d.buffer_.resize((sizeof(ethtool_stats) + 7) / 8 + d.total_ + slack);
    return d;
}

Result<std::vector<std::uint64_t>> DriverStats::read()
{
    if (names_.empty())
        return std::vector<std::uint64_t>{};
    auto count = count_stats(fd_.get(), interface_);
    if (!count)
        return count.error();
    if (count.value() != total_)
        return set_changed(interface_);
    std::fill(buffer_.begin(), buffer_.end(), 0);
    auto *st = reinterpret_cast<ethtool_stats *>(buffer_.data());
    st->cmd = ETHTOOL_GSTATS;
    st->n_stats = total_;
    if (ethtool(fd_.get(), interface_, st) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("ethtool statistics of {}", interface_));
    }
    if (st->n_stats != total_)
        return set_changed(interface_);
    std::vector<std::uint64_t> values;
    values.reserve(picked_.size());
    const auto *data = st->data;
    for (std::uint32_t i : picked_)
        values.push_back(data[i]);
    return values;
}

}  // namespace netring::stats
