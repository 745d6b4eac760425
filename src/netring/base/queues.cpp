// SPDX-License-Identifier: GPL-2.0-or-later
// Queue counts from sysfs (what the stack uses) and ethtool channels (what the NIC is set to).
#include "netring/base/queues.h"

#include <cstring>
#include <filesystem>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "netring/base/unique_fd.h"

namespace netring {

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

}  // namespace netring
