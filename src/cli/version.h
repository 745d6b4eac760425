// SPDX-License-Identifier: GPL-2.0-or-later
// What `netring --version` says.
#pragma once

#include <string>

namespace netring::cli {

// Version, git describe, the kernel it runs on and the AF_XDP features it has.
std::string version_text();

}  // namespace netring::cli
