// SPDX-License-Identifier: GPL-2.0-or-later
// Version text from the build and the running kernel.
#include "version.h"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pcap/pcap.h>

#include "config.h"
#include "git_version.h"
#include "netring/afxdp/kernel_features.h"

namespace netring::cli {

std::string version_text()
{
    const auto kernel = xdp::running_kernel();
    std::vector<std::string> have;
    std::vector<std::string> lack;
    for (const auto &f : xdp::kernel_features(kernel))
        (f.available ? have : lack).emplace_back(f.key);
    std::string text = fmt::format("netring {} ({})\nkernel Linux {}\n{}\nkernel features: {}", NETRING_VERSION,
                                   NETRING_GIT_DESCRIBE, kernel.release, pcap_lib_version(),
                                   have.empty() ? std::string("none") : fmt::format("{}", fmt::join(have, " ")));
    if (!lack.empty())
        text += fmt::format("\nkernel lacks: {}", fmt::join(lack, " "));
    return text;
}

}  // namespace netring::cli
