// SPDX-License-Identifier: GPL-2.0-or-later
// PostRotate: runs -z CMD on each finished capture file without waiting for it.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netring::cli {

class PostRotate {
public:
    explicit PostRotate(std::string command) : command_(std::move(command)) {}
    ~PostRotate() { wait_all(); }
    PostRotate(const PostRotate &) = delete;
    PostRotate &operator=(const PostRotate &) = delete;

    // Why COMMAND could not be started, before the capture starts rather than
    // at its first finished file; nullopt when it can be.
    static std::optional<std::string> unrunnable(const std::string &command);

    // Starts CMD FILE (found in PATH, as tcpdump's -z) and returns at once.
    void run(const std::string &file);
    // Collects the commands that have ended, so none stays a zombie.
    void reap();
    // At exit: the last file's command gets to finish.
    void wait_all();

private:
    std::string command_;
    std::vector<pid_t> running_;
};

}  // namespace netring::cli
