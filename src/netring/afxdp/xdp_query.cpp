// SPDX-License-Identifier: GPL-2.0-or-later
// RTM_GETLINK and the nested IFLA_XDP attributes.
#include "netring/afxdp/xdp_query.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "netring/afxdp/bpf_syscall.h"
#include "netring/base/unique_fd.h"

namespace netring::xdp {

const char *AttachedXdp::mode_name() const
{
    if (drv_id != 0)
        return "native mode";
    if (skb_id != 0)
        return "generic mode";
    if (hw_id != 0)
        return "offloaded";
    return "none";
}

namespace {

void parse_xdp(const rtattr *nest, AttachedXdp &out)
{
    int len = static_cast<int>(RTA_PAYLOAD(nest));
    std::uint32_t single_id = 0;
    std::uint8_t attached = XDP_ATTACHED_NONE;
    for (auto *a = static_cast<const rtattr *>(RTA_DATA(nest)); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        std::uint32_t v = 0;
        if (a->rta_type == IFLA_XDP_ATTACHED && RTA_PAYLOAD(a) >= 1) {
            std::memcpy(&attached, RTA_DATA(a), 1);
            continue;
        }
        if (RTA_PAYLOAD(a) < sizeof(v))
            continue;
        std::memcpy(&v, RTA_DATA(a), sizeof(v));
        switch (a->rta_type) {
        case IFLA_XDP_PROG_ID: single_id = v; break;
        case IFLA_XDP_DRV_PROG_ID: out.drv_id = v; break;
        case IFLA_XDP_SKB_PROG_ID: out.skb_id = v; break;
        case IFLA_XDP_HW_PROG_ID: out.hw_id = v; break;
        default: break;
        }
    }
    // With one program attached the kernel sends only IFLA_XDP_PROG_ID and the mode.
    if (single_id != 0) {
        if (attached == XDP_ATTACHED_DRV && out.drv_id == 0)
            out.drv_id = single_id;
        else if (attached == XDP_ATTACHED_SKB && out.skb_id == 0)
            out.skb_id = single_id;
        else if (attached == XDP_ATTACHED_HW && out.hw_id == 0)
            out.hw_id = single_id;
    }
}

}  // namespace

Result<AttachedXdp> query_attached_xdp(unsigned ifindex)
{
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, "open rtnetlink socket");
    }
    struct {
        nlmsghdr nh;
        ifinfomsg ifi;
    } req{};
    req.nh.nlmsg_len = sizeof(req);
    req.nh.nlmsg_type = RTM_GETLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST;
    req.nh.nlmsg_seq = 1;
    req.ifi.ifi_family = AF_UNSPEC;
    req.ifi.ifi_index = static_cast<int>(ifindex);
    if (::send(fd.get(), &req, sizeof(req), 0) < 0) {
        const int err = errno;
        return Error::sys(err, "send RTM_GETLINK");
    }
    alignas(nlmsghdr) std::array<char, 32768> buf{};
    const ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
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
        AttachedXdp out;
        for (auto *rta = IFLA_RTA(ifi); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
            if ((rta->rta_type & NLA_TYPE_MASK) == IFLA_XDP)
                parse_xdp(rta, out);
        return out;
    }
    return Error::logic(fmt::format("no RTM_NEWLINK reply for interface index {}", ifindex));
}

std::string describe_xdp_program(std::uint32_t id, const AttachedXdp &where)
{
    std::string name;
    if (auto fd = bpf::program_by_id(id)) {
        if (auto info = bpf::program_info(fd->get()))
            name.assign(info->name, strnlen(info->name, sizeof(info->name)));
    }
    if (name.empty())
        return fmt::format("id {}, {}", id, where.mode_name());
    return fmt::format("id {}, \"{}\", {}", id, name, where.mode_name());
}

}  // namespace netring::xdp
