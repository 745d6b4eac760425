// SPDX-License-Identifier: GPL-2.0-or-later
// Version text from the build and the running kernel.
#include "version.h"

#include <sys/utsname.h>

#include <fmt/format.h>
#include <pcap/pcap.h>

#include "config.h"
#include "git_version.h"

namespace netring::cli {

std::string version_text()
{
    utsname u{};
    ::uname(&u);
    return fmt::format("netring {} ({})\nkernel {} {}\n{}", NETRING_VERSION, NETRING_GIT_DESCRIBE, u.sysname,
                       u.release, pcap_lib_version());
}

}  // namespace netring::cli
