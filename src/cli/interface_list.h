// SPDX-License-Identifier: GPL-2.0-or-later
// tcpdump's -D and its numbers: the interfaces netring can be pointed at.
#pragma once

#include <string>

namespace netring::cli {

// One line per interface on stdout, as tcpdump -D prints them
// ("2.eth0 [Up, Running]"), numbered by interface index. Returns the exit code.
int print_interface_list();

// What -i names: the argument itself, or, when it is a number that no
// interface is called, the interface with that index (as -D numbers them).
std::string resolve_interface_argument(const std::string &arg);

}  // namespace netring::cli
