// SPDX-License-Identifier: GPL-2.0-or-later
// RTM_GETLINK and the nested IFLA_XDP attributes.
#include "netring/afxdp/xdp_query.h"

#include "netring/base/rtnetlink.h"

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
    AttachedXdp out;
    Status st = for_each_link_attribute(ifindex, [&out](const rtattr &rta) {
        if ((rta.rta_type & NLA_TYPE_MASK) == IFLA_XDP)
            parse_xdp(&rta, out);
    });
    if (!st)
        return st.error();
    return out;
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
