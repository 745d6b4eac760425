// SPDX-License-Identifier: GPL-2.0-or-later
// StatusLine: a progress line on stderr, redrawn at most once a second.
#pragma once

#include <cstdint>
#include <string>

namespace netring::cli {

class StatusLine {
public:
    // Shown only when enabled and stderr is a terminal.
    explicit StatusLine(bool enabled);
    // Whether update() would draw now: callers skip building the text otherwise.
    [[nodiscard]] bool due(std::uint64_t now_ns) const
    {
        return enabled_ && now_ns - last_ns_ >= 1'000'000'000ULL;
    }
    // Redraws when a second has passed since the last draw.
    void update(std::uint64_t now_ns, const std::string &text);
    // Clears the line so the final report starts on a clean one.
    void clear();

private:
    bool enabled_;
    bool drawn_ = false;
    std::uint64_t last_ns_ = 0;
};

}  // namespace netring::cli
