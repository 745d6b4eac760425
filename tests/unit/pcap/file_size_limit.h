// SPDX-License-Identifier: GPL-2.0-or-later
// A write that stops part way, as on a full disk, without a small file system.
#pragma once

#include <csignal>
#include <sys/resource.h>

namespace netring::test {

// RLIMIT_FSIZE makes write() stop part way with EFBIG, as a full disk stops
// it with ENOSPC.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit r = saved_;
        r.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &saved_); }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;

private:
    rlimit saved_{};
};

}  // namespace netring::test
