// SPDX-License-Identifier: GPL-2.0-or-later
// Closing of owned file descriptors.
#include "netring/base/unique_fd.h"

#include <unistd.h>

namespace netring {

// close() is not retried on EINTR: on Linux the descriptor is already
// released, and a retry could close one another thread just opened.
void UniqueFd::reset(int fd)
{
    if (fd_ >= 0 && fd_ != fd)
        ::close(fd_);
    fd_ = fd;
}

}  // namespace netring
