// SPDX-License-Identifier: GPL-2.0-or-later
// posix_spawnp for -z, reaped with waitpid(WNOHANG) from the capture loop.
#include "post_rotate.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

#include <spdlog/spdlog.h>

extern char **environ;

namespace netring::cli {

void PostRotate::run(const std::string &file)
{
    std::string cmd = command_;
    std::string arg = file;
    char *argv[] = {cmd.data(), arg.data(), nullptr};
    pid_t pid = 0;
    const int err = ::posix_spawnp(&pid, cmd.c_str(), nullptr, nullptr, argv, environ);
    if (err != 0) {
        spdlog::warn("-z {} {}: {}", command_, file, std::strerror(err));
        return;
    }
    running_.push_back(pid);
}

void PostRotate::reap()
{
    std::erase_if(running_, [](pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) != 0; });
}

void PostRotate::wait_all()
{
    for (pid_t pid : running_) {
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    running_.clear();
}

}  // namespace netring::cli
