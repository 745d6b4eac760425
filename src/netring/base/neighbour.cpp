// SPDX-License-Identifier: GPL-2.0-or-later
// rtnetlink dumps of the neighbour table (RTM_GETNEIGH) and interface addresses (RTM_GETADDR).
#include "netring/base/neighbour.h"

#include "netring/base/rtnetlink.h"

#include <cerrno>
#include <cstring>
#include <functional>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <vector>

#include "netring/base/unique_fd.h"

namespace netring {

namespace {

// One message of a dump: its type and the payload after the nlmsghdr.
using DumpVisitor = std::function<void(const nlmsghdr &, const std::uint8_t *, std::size_t)>;

// Sends one dump request (a header and a family-specific struct) and walks
// every answer until NLMSG_DONE.
template <typename Req>
Status dump(std::uint16_t type, const Req &req, const char *what, const DumpVisitor &visit)
{
    auto opened = open_rtnetlink();
    if (!opened)
        return opened.error();
    UniqueFd fd = std::move(opened.value());
    if (auto st = send_rtnetlink(fd.get(), type, NLM_F_DUMP, 1, req, what); !st)
        return st;
    std::vector<std::uint8_t> buf(32768);
    for (;;) {
        const ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
        if (n < 0) {
            const int err = errno;
            if (err == EINTR)
                continue;
            return Error::sys(err, what);
        }
        auto left = static_cast<unsigned>(n);
        for (auto *h = reinterpret_cast<const nlmsghdr *>(buf.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return {};
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto *e = static_cast<const nlmsgerr *>(NLMSG_DATA(h));
                return Error::sys(-e->error, what);
            }
            visit(*h, static_cast<const std::uint8_t *>(NLMSG_DATA(h)), NLMSG_PAYLOAD(h, 0));
        }
        if (n == 0)
            return {};
    }
}

// Attributes after a fixed header of hdr_len bytes.
template <typename Fn>
void for_each_attr(const std::uint8_t *payload, std::size_t len, std::size_t hdr_len, Fn &&fn)
{
    if (len < NLMSG_ALIGN(hdr_len))
        return;
    auto left = static_cast<unsigned>(len - NLMSG_ALIGN(hdr_len));
    for (auto *a = reinterpret_cast<const rtattr *>(payload + NLMSG_ALIGN(hdr_len)); RTA_OK(a, left);
         a = RTA_NEXT(a, left))
        fn(a->rta_type, static_cast<const std::uint8_t *>(RTA_DATA(a)), RTA_PAYLOAD(a));
}

std::size_t address_size(int family) { return family == AF_INET ? 4 : 16; }

}  // namespace

Result<std::optional<MacAddress>> neighbour_mac(unsigned ifindex, int family, const IpAddress &ip)
{
    ndmsg req{};
    req.ndm_family = static_cast<std::uint8_t>(family);
    std::optional<MacAddress> found;
    const std::size_t alen = address_size(family);
    auto st = dump(RTM_GETNEIGH, req, "read the neighbour table (RTM_GETNEIGH)",
                   [&](const nlmsghdr &h, const std::uint8_t *p, std::size_t len) {
                       if (h.nlmsg_type != RTM_NEWNEIGH || len < sizeof(ndmsg) || found)
                           return;
                       ndmsg nd{};
                       std::memcpy(&nd, p, sizeof(nd));
                       if (nd.ndm_ifindex != static_cast<int>(ifindex) || nd.ndm_family != family ||
                           (nd.ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP)) != 0)
                           return;
                       bool match = false;
                       std::optional<MacAddress> mac;
                       for_each_attr(p, len, sizeof(ndmsg), [&](unsigned type, const std::uint8_t *d, std::size_t n) {
                           if (type == NDA_DST && n == alen && std::memcmp(d, ip.data(), alen) == 0)
                               match = true;
                           else if (type == NDA_LLADDR && n == 6) {
                               MacAddress m{};
                               std::memcpy(m.data(), d, 6);
                               mac = m;
                           }
                       });
                       if (match && mac)
                           found = mac;
                   });
    if (!st)
        return st.error();
    return found;
}

Result<std::optional<IpAddress>> interface_address(unsigned ifindex, int family)
{
    ifaddrmsg req{};
    req.ifa_family = static_cast<std::uint8_t>(family);
    std::optional<IpAddress> best;
    bool best_global = false;
    const std::size_t alen = address_size(family);
    auto st = dump(RTM_GETADDR, req, "read interface addresses (RTM_GETADDR)",
                   [&](const nlmsghdr &h, const std::uint8_t *p, std::size_t len) {
                       if (h.nlmsg_type != RTM_NEWADDR || len < sizeof(ifaddrmsg))
                           return;
                       ifaddrmsg ia{};
                       std::memcpy(&ia, p, sizeof(ia));
                       if (ia.ifa_index != ifindex || ia.ifa_family != family)
                           return;
                       const bool global = ia.ifa_scope == RT_SCOPE_UNIVERSE;
                       if (best && (best_global || !global))
                           return;
                       for_each_attr(p, len, sizeof(ifaddrmsg), [&](unsigned type, const std::uint8_t *d, std::size_t n) {
                           // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on point-to-point links.
                           if ((type == IFA_LOCAL || (type == IFA_ADDRESS && !best)) && n == alen) {
                               IpAddress a{};
                               std::memcpy(a.data(), d, alen);
                               best = a;
                               best_global = global;
                           }
                       });
                   });
    if (!st)
        return st.error();
    return best;
}

}  // namespace netring
