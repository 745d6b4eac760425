// SPDX-License-Identifier: GPL-2.0-or-later
// Exit codes and the one-line error messages of every subcommand.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "netring/base/result.h"

namespace netring::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_runtime = 1;  // the kernel, a device or a file failed us
inline constexpr int exit_usage = 2;    // the command line asked for something impossible

// Prints "netring CMD: message (what to do)" on stderr and returns the exit
// code that fits: usage for a missing interface or a bad filter, runtime
// otherwise.
int report(std::string_view command, const Error &error);

// What to do about the error, to follow its message: " (needs CAP_NET_RAW,
// which this process lacks: ...)", or "" when there is nothing to add.
std::string advice(const Error &error);

// Prints "netring CMD: message" and returns exit_usage.
int usage(std::string_view command, std::string_view message);

// fmt::print(stderr, ...) without its exception: standard error on a full
// disk (2>/dev/full) must not turn an exit status into an abort.
template <typename... Args>
void eprint(fmt::format_string<Args...> format, Args &&...args)
{
    const std::string text = fmt::format(format, std::forward<Args>(args)...);
    (void)std::fwrite(text.data(), 1, text.size(), stderr);
}

// Prints "netring CMD: write standard output: strerror(err)" and returns
// exit_runtime: a report that could not be written is a failed run.
int stdout_failed(std::string_view command, int err);

// Writes text to standard output without fmt::print's exception; a failure
// is kept for finish_stdout().
void write_stdout(std::string_view text);

template <typename... Args>
void oprint(fmt::format_string<Args...> format, Args &&...args)
{
    write_stdout(fmt::format(format, std::forward<Args>(args)...));
}

// Flushes standard output: exit_ok, or stdout_failed() when this or any
// earlier write failed (> /dev/full, a closed pipe).
int finish_stdout(std::string_view command);

// Opens /dev/null on whichever of descriptors 0-2 is closed, so that no
// socket takes its number: with 2>&- the packet socket would be fd 2, and
// every message a frame sent out of the interface.
void guard_standard_fds();

}  // namespace netring::cli
