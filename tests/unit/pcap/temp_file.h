// SPDX-License-Identifier: GPL-2.0-or-later
// A temporary file path that is removed when the test ends.
#pragma once

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace netring::test {

class TempFile {
public:
    explicit TempFile(const char *suffix)
    {
        std::string tmpl = "/tmp/netring-test-XXXXXX";
        tmpl += suffix;
        const int fd = ::mkstemps(tmpl.data(), static_cast<int>(std::string(suffix).size()));
        if (fd >= 0)
            ::close(fd);
        path_ = tmpl;
    }
    ~TempFile() { ::unlink(path_.c_str()); }
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    [[nodiscard]] const std::string &path() const { return path_; }

private:
    std::string path_;
};

}  // namespace netring::test
