// SPDX-License-Identifier: GPL-2.0-or-later
// Interface counters over rtnetlink: RTM_GETSTATS requests and IFLA_STATS_LINK_64 decoding.
#include "netring/base/link_stats.h"

#include <optional>

#include <array>
#include <cerrno>
#include <cstring>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "netring/base/rtnetlink.h"
#include "netring/base/unique_fd.h"

namespace netring {

namespace {

LinkStats from_kernel(const rtnl_link_stats64 &s)
{
    LinkStats out;
    out.rx_packets = s.rx_packets;
    out.tx_packets = s.tx_packets;
    out.rx_bytes = s.rx_bytes;
    out.tx_bytes = s.tx_bytes;
    out.rx_errors = s.rx_errors;
    out.tx_errors = s.tx_errors;
    out.rx_dropped = s.rx_dropped;
    out.tx_dropped = s.tx_dropped;
    out.rx_missed = s.rx_missed_errors;
    return out;
}

}  // namespace

Result<LinkStatsReader> LinkStatsReader::open()
{
    auto fd = open_rtnetlink();
    if (!fd)
        return fd.error();
    return LinkStatsReader(std::move(fd.value()));
}

Result<LinkStats> LinkStatsReader::read(unsigned ifindex)
{
    if_stats_msg ifs{};
    ifs.family = AF_UNSPEC;
    ifs.ifindex = ifindex;
    ifs.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
    if (auto st = send_rtnetlink(fd_.get(), RTM_GETSTATS, 0, ++seq_, ifs, "send RTM_GETSTATS"); !st)
        return st.error();
    alignas(nlmsghdr) std::array<char, 4096> buf{};
    // Replies to earlier requests that timed out would carry older sequence
    // numbers: skip them rather than report stale counters.
    for (;;) {
        const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
        if (n < 0) {
            const int err = errno;
            if (err == EINTR)
                continue;
            return Error::sys(err, "receive RTM_GETSTATS reply");
        }
        auto *nh = reinterpret_cast<nlmsghdr *>(buf.data());
        int len = static_cast<int>(n);
        for (; NLMSG_OK(nh, static_cast<unsigned>(len)); nh = NLMSG_NEXT(nh, len)) {
            if (nh->nlmsg_seq != seq_)
                continue;
            if (nh->nlmsg_type == NLMSG_ERROR) {
                const auto *e = static_cast<const nlmsgerr *>(NLMSG_DATA(nh));
                return Error::sys(-e->error, fmt::format("RTM_GETSTATS for interface index {}", ifindex));
            }
            if (nh->nlmsg_type != RTM_NEWSTATS)
                continue;
            const auto *ifs = static_cast<const if_stats_msg *>(NLMSG_DATA(nh));
            int alen = static_cast<int>(nh->nlmsg_len) - static_cast<int>(NLMSG_LENGTH(sizeof(*ifs)));
            const auto *rta = reinterpret_cast<const rtattr *>(reinterpret_cast<const char *>(ifs) +
                                                               NLMSG_ALIGN(sizeof(*ifs)));
            for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
                if (rta->rta_type != IFLA_STATS_LINK_64 || RTA_PAYLOAD(rta) < sizeof(rtnl_link_stats64))
                    continue;
                rtnl_link_stats64 s{};
                std::memcpy(&s, RTA_DATA(rta), sizeof(s));
                return from_kernel(s);
            }
            return Error::logic(fmt::format("RTM_GETSTATS for interface index {} carried no IFLA_STATS_LINK_64", ifindex));
        }
    }
}

LinkBaseline LinkBaseline::take(unsigned ifindex)
{
    LinkBaseline b;
    b.ifindex_ = ifindex;
    auto reader = LinkStatsReader::open();
    if (!reader)
        return b;
    auto start = reader->read(ifindex);
    if (!start)
        return b;
    b.start_ = start.value();
    b.reader_ = std::move(reader.value());
    return b;
}

std::optional<LinkDelta> LinkBaseline::since()
{
    if (!reader_)
        return std::nullopt;
    auto now = reader_->read(ifindex_);
    if (!now)
        return std::nullopt;
    return LinkDelta{now->rx_packets - start_.rx_packets,
                     (now->rx_dropped + now->rx_missed) - (start_.rx_dropped + start_.rx_missed)};
}

}  // namespace netring
