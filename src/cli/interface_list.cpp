// SPDX-License-Identifier: GPL-2.0-or-later
// Listing interfaces for -D, and -i by number.
#include "interface_list.h"

#include <cstdio>
#include <net/if.h>
#include <vector>

#include <fmt/format.h>

#include "errors.h"
#include "number_checks.h"
#include "netring/base/interface.h"

namespace netring::cli {

int print_interface_list()
{
    for (const std::string &name : interface_names()) {
        auto info = lookup_interface(name);
        if (!info)
            continue;  // gone since the list was read
        std::vector<std::string> notes;
        notes.emplace_back(info->up() ? "Up" : "Down");
        if (info->running())
            notes.emplace_back("Running");
        if ((info->flags & IFF_LOOPBACK) != 0)
            notes.emplace_back("Loopback");
        // tcpdump lists these too; netring's files are Ethernet only.
        if (!info->ethernet())
            notes.emplace_back("not Ethernet: netring cannot capture it");
        oprint("{}.{} [{}]\n", info->index, info->name, fmt::join(notes, ", "));
    }
    return finish_stdout("capture");
}

std::string resolve_interface_argument(const std::string &arg)
{
    // Fewer than 10 digits: it fits an unsigned interface index.
    if (!digits_only(arg) || arg.size() >= 10 || lookup_interface(arg))
        return arg;
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(static_cast<unsigned>(std::stoul(arg)), name) == nullptr)
        return arg;  // the lookup's error then says there is no such interface
    return name;
}

}  // namespace netring::cli
