// SPDX-License-Identifier: GPL-2.0-or-later
// Carriage-return redraws of one stderr line.
#include "status_line.h"

#include <cstdio>
#include <unistd.h>

namespace netring::cli {

StatusLine::StatusLine(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO) == 1) {}

void StatusLine::update(std::uint64_t now_ns, const std::string &text)
{
    if (!due(now_ns))
        return;
    last_ns_ = now_ns;
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void StatusLine::clear()
{
    if (drawn_)
        std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
}

}  // namespace netring::cli
