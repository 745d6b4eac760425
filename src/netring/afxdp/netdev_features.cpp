// SPDX-License-Identifier: GPL-2.0-or-later
// NETDEV_CMD_DEV_GET over generic netlink, with the family id looked up by name first.
#include "netring/afxdp/netdev_features.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string_view>
#include <sys/socket.h>
#include <vector>

#include <fmt/format.h>

#include "netring/base/unique_fd.h"

namespace netring::xdp {

namespace {

// <linux/netdev.h> numbering (stable UAPI).
constexpr std::uint8_t netdev_cmd_dev_get = 1;
constexpr std::uint16_t netdev_a_dev_ifindex = 1;
constexpr std::uint16_t netdev_a_dev_xdp_features = 3;
constexpr std::uint16_t netdev_a_dev_xdp_zc_max_segs = 4;
constexpr std::uint16_t netdev_a_dev_xdp_rx_metadata_features = 5;
constexpr std::uint16_t netdev_a_dev_xsk_features = 6;

class Request {
public:
    Request(std::uint16_t family, std::uint8_t cmd)
    {
        nlmsghdr h{};
        h.nlmsg_type = family;
        h.nlmsg_flags = NLM_F_REQUEST;
        h.nlmsg_seq = 1;
        append(&h, sizeof(h));
        genlmsghdr g{};
        g.cmd = cmd;
        g.version = 1;
        append(&g, sizeof(g));
    }
    void attr(std::uint16_t type, const void *data, std::size_t len)
    {
        nlattr a{};
        a.nla_type = type;
        a.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + len);
        append(&a, sizeof(a));
        append(data, len);
        buf_.resize(NLA_ALIGN(buf_.size()));
    }
    std::vector<char> &finish()
    {
        const auto len = static_cast<std::uint32_t>(buf_.size());
        std::memcpy(buf_.data(), &len, sizeof(len));  // nlmsg_len leads the header
        return buf_;
    }

private:
    void append(const void *p, std::size_t n)
    {
        const auto *c = static_cast<const char *>(p);
        buf_.insert(buf_.end(), c, c + n);
    }
    std::vector<char> buf_;
};

// Calls fn(type, payload, length) for every attribute of the one reply.
template <typename Fn>
Status transact(int fd, std::vector<char> &request, const char *what, Fn fn)
{
    if (::send(fd, request.data(), request.size(), 0) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("send {}", what));
    }
    std::array<char, 16384> reply{};
    const ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
    if (n < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("receive {} reply", what));
    }
    auto len = static_cast<std::uint32_t>(n);
    for (auto *h = reinterpret_cast<nlmsghdr *>(reply.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type == NLMSG_ERROR) {
            const auto *e = static_cast<const nlmsgerr *>(NLMSG_DATA(h));
            return Error::sys(-e->error, what);
        }
        const char *p = static_cast<const char *>(NLMSG_DATA(h)) + GENL_HDRLEN;
        const char *end = reinterpret_cast<const char *>(h) + h->nlmsg_len;
        while (p + NLA_HDRLEN <= end) {
            nlattr a{};
            std::memcpy(&a, p, sizeof(a));
            if (a.nla_len < NLA_HDRLEN || p + a.nla_len > end)
                break;
            fn(static_cast<std::uint16_t>(a.nla_type & NLA_TYPE_MASK), p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
            p += NLA_ALIGN(a.nla_len);
        }
        return {};
    }
    return Error::logic(fmt::format("no reply to {}", what));
}

template <typename T>
T read_value(const char *p, std::size_t len)
{
    T v{};
    std::memcpy(&v, p, std::min(len, sizeof(v)));
    return v;
}

}  // namespace

Result<NetdevFeatures> query_netdev_features(unsigned ifindex)
{
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, "open generic netlink socket");
    }
    Request family(GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
    family.attr(CTRL_ATTR_FAMILY_NAME, "netdev", sizeof("netdev"));
    std::uint16_t id = 0;
    auto st = transact(fd.get(), family.finish(), "CTRL_CMD_GETFAMILY netdev",
                       [&](std::uint16_t type, const char *p, std::size_t len) {
                           if (type == CTRL_ATTR_FAMILY_ID)
                               id = read_value<std::uint16_t>(p, len);
                       });
    if (!st)
        return st.error();
    if (id == 0)
        return Error::sys(ENOENT, "no netdev generic netlink family");

    Request get(id, netdev_cmd_dev_get);
    const std::uint32_t index = ifindex;
    get.attr(netdev_a_dev_ifindex, &index, sizeof(index));
    NetdevFeatures f;
    st = transact(fd.get(), get.finish(), fmt::format("NETDEV_CMD_DEV_GET for interface index {}", ifindex).c_str(),
                  [&](std::uint16_t type, const char *p, std::size_t len) {
                      switch (type) {
                      case netdev_a_dev_xdp_features: f.xdp_features = read_value<std::uint64_t>(p, len); break;
                      case netdev_a_dev_xdp_zc_max_segs: f.zc_max_segs = read_value<std::uint32_t>(p, len); break;
                      case netdev_a_dev_xdp_rx_metadata_features:
                          f.rx_metadata = read_value<std::uint64_t>(p, len);
                          break;
                      case netdev_a_dev_xsk_features:
                          f.xsk_features = read_value<std::uint64_t>(p, len);
                          f.has_xsk_features = true;
                          break;
                      default: break;
                      }
                  });
    if (!st)
        return st.error();
    return f;
}

}  // namespace netring::xdp
