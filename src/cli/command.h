// SPDX-License-Identifier: GPL-2.0-or-later
// How subcommands plug into main(): each registers itself and a runner.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace netring::cli {

struct Command {
    CLI::App *app = nullptr;
    std::function<int()> run;  // returns the process exit code
};

Command register_capture(CLI::App &parent);
Command register_replay(CLI::App &parent);
Command register_stats(CLI::App &parent);
Command register_xdp_tx(CLI::App &parent);
Command register_info(CLI::App &parent);

}  // namespace netring::cli
