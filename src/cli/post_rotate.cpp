// SPDX-License-Identifier: GPL-2.0-or-later
// posix_spawnp for -z, reaped with waitpid(WNOHANG) from the capture loop.
#include "post_rotate.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <string_view>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <spdlog/spdlog.h>

extern char **environ;

namespace netring::cli {

std::optional<std::string> PostRotate::unrunnable(const std::string &command)
{
    const auto runnable = [](const std::string &path) {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
    };
    // posix_spawnp's own search: a name with a slash is taken as it is, any
    // other is looked for in PATH (glibc's default when PATH is unset).
    if (command.find('/') != std::string::npos) {
        if (runnable(command))
            return std::nullopt;
        return fmt::format("-z {}: not an executable file: give a program or script to run on each finished file",
                           command);
    }
    const char *env = std::getenv("PATH");
    std::string_view path = env != nullptr ? env : "/bin:/usr/bin";
    // (Not std::views::split: Clang 14 cannot compile it with GCC 12's library.)
    for (;;) {
        const std::size_t colon = path.find(':');
        const std::string_view dir = path.substr(0, colon);
        if (runnable(fmt::format("{}/{}", dir.empty() ? "." : dir, command)))
            return std::nullopt;
        if (colon == std::string_view::npos)
            break;
        path.remove_prefix(colon + 1);
    }
    return fmt::format("-z {}: no such command in PATH: give its full path", command);
}

void PostRotate::run(const std::string &file)
{
    std::string cmd = command_;
    std::string arg = file;
    char *argv[] = {cmd.data(), arg.data(), nullptr};
    // netring ignores SIGPIPE (it handles EPIPE), and an ignored signal stays
    // ignored across exec: the command gets the default back, so that a
    // script's `tshark -r "$1" | head` ends as it would from a shell.
    posix_spawnattr_t attr;
    ::posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    ::posix_spawnattr_setsigdefault(&attr, &defaults);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    const int err = ::posix_spawnp(&pid, cmd.c_str(), nullptr, &attr, argv, environ);
    ::posix_spawnattr_destroy(&attr);
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
