// SPDX-License-Identifier: GPL-2.0-or-later
// Formatting of library errors.
#include "netring/base/result.h"

#include <cstring>

namespace netring {

std::string Error::message() const
{
    if (code == 0 || self_explanatory)
        return context;
    return context + ": " + std::strerror(code);
}

}  // namespace netring
