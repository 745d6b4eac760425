// SPDX-License-Identifier: GPL-2.0-or-later
// Interface lookup through ioctl()s that need no privilege.
#include "netring/base/interface.h"

#include <cerrno>
#include <cstring>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "netring/base/unique_fd.h"

namespace netring {

bool InterfaceInfo::up() const { return (flags & IFF_UP) != 0; }
bool InterfaceInfo::running() const { return (flags & IFF_RUNNING) != 0; }
bool InterfaceInfo::ethernet() const { return hw_type == ARPHRD_ETHER || hw_type == ARPHRD_LOOPBACK; }

Status require_ethernet(const InterfaceInfo &info, LinkUse use)
{
    if (info.ethernet())
        return {};
    const char *what_to_do = use == LinkUse::capture
                                 ? "netring captures Ethernet frames only: capture it with tcpdump, which records "
                                   "any link type"
                                 : "netring sends Ethernet frames only: send on an Ethernet interface, such as a veth "
                                   "or a tap device (not tun)";
    return Error::invalid(EPROTONOSUPPORT, fmt::format("invalid interface {}: it carries no Ethernet headers (ARPHRD "
                                                       "type {}{}), and {}",
                                                       info.name, info.hw_type,
                                                       info.hw_type == ARPHRD_NONE ? ": raw IP" : "", what_to_do));
}

namespace {

// SIOCGIF* ioctls work on any socket; an AF_UNIX one needs no capability.
Status ifreq_ioctl(int fd, unsigned long request, ifreq &ifr, const char *what)
{
    if (::ioctl(fd, request, &ifr) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("{} of {}", what, ifr.ifr_name));
    }
    return {};
}

Error missing_interface(const std::string &name)
{
    // tcpdump users reach for -i any; say why it is not here rather than
    // only that no interface has that name.
    const char *why = name == "any" ? ": tcpdump's 'any' (every interface at once, with Linux cooked headers "
                                      "instead of Ethernet) has no netring equivalent; name one interface"
                                    : "";
    return Error::invalid(ENODEV, fmt::format("no such interface '{}'{} (interfaces here: {})", name, why,
                                              fmt::join(interface_names(), ", ")));
}

}  // namespace

Result<InterfaceInfo> lookup_interface(const std::string &name)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
        return missing_interface(name);
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, "socket for interface ioctls");
    }
    InterfaceInfo info;
    info.name = name;
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, name.c_str(), name.size());

    if (auto st = ifreq_ioctl(fd.get(), SIOCGIFINDEX, ifr, "index"); !st)
        return st.error().code == ENODEV ? missing_interface(name) : st.error();
    info.index = static_cast<unsigned>(ifr.ifr_ifindex);
    if (auto st = ifreq_ioctl(fd.get(), SIOCGIFFLAGS, ifr, "flags"); !st)
        return st.error();
    info.flags = static_cast<unsigned short>(ifr.ifr_flags);
    if (auto st = ifreq_ioctl(fd.get(), SIOCGIFMTU, ifr, "MTU"); !st)
        return st.error();
    info.mtu = static_cast<unsigned>(ifr.ifr_mtu);
    if (ifreq_ioctl(fd.get(), SIOCGIFHWADDR, ifr, "hardware address")) {
        std::memcpy(info.mac.data(), ifr.ifr_hwaddr.sa_data, info.mac.size());
        info.hw_type = ifr.ifr_hwaddr.sa_family;
    }

    ethtool_drvinfo drv{};
    drv.cmd = ETHTOOL_GDRVINFO;
    ifr.ifr_data = reinterpret_cast<char *>(&drv);
    if (::ioctl(fd.get(), SIOCETHTOOL, &ifr) == 0)
        info.driver.assign(drv.driver, strnlen(drv.driver, sizeof(drv.driver)));
    return info;
}

Result<InterfaceInfo> usable_interface(const std::string &name)
{
    auto info = lookup_interface(name);
    if (!info)
        return info.error();
    if (!info->up())
        return Error::explained(ENETDOWN, fmt::format("interface {} is down (bring it up: ip link set {} up)", name,
                                                      name));
    return info;
}

Status link_lost(const std::string &name, unsigned ifindex)
{
    auto info = lookup_interface(name);
    if (!info || info->index != ifindex)
        return Error::explained(ENODEV, fmt::format("interface {} disappeared", name));
    if (!info->up())
        return Error::explained(ENETDOWN, fmt::format("interface {} went down", name));
    return {};
}

bool is_link_loss(const Error &error)
{
    return error.code == ENETDOWN || error.code == ENODEV;
}

bool lacks_carrier(const std::string &name)
{
    // IFF_RUNNING is the operational state, which is down without a carrier;
    // SIOCGIFFLAGS's 16 bits have no room for IFF_LOWER_UP itself.
    auto info = lookup_interface(name);
    return info && info->up() && !info->running();
}

std::vector<std::string> interface_names()
{
    std::vector<std::string> names;
    if (struct if_nameindex *list = ::if_nameindex()) {
        for (struct if_nameindex *it = list; it->if_index != 0; ++it)
            names.emplace_back(it->if_name);
        ::if_freenameindex(list);
    }
    return names;
}

}  // namespace netring
