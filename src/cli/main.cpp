// SPDX-License-Identifier: GPL-2.0-or-later
// netring's entry point: registers the subcommands and runs the chosen one.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "command.h"
#include "errors.h"
#include "version.h"

int main(int argc, char **argv)
{
    using namespace netring::cli;
    guard_standard_fds();
    CLI::App app{"netring: packet capture and replay on AF_PACKET and AF_XDP"};
    app.name("netring");
    app.require_subcommand(1);
    // An option given twice takes its last value, as in tcpdump and dumpcap
    // (a script's defaults, then the user's). Set before any option or
    // subcommand is added: each copies these defaults when it is made.
    // Options meant to be repeated (-a, -b, info -i) say TakeAll themselves.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.set_version_flag("-V,--version", version_text());
    std::string log_level = "warn";
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

    std::vector<Command> commands;
    commands.push_back(register_capture(app));
    commands.push_back(register_replay(app));
    commands.push_back(register_stats(app));
    commands.push_back(register_xdp_tx(app));
    commands.push_back(register_info(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        if (e.get_exit_code() == 0)
            return app.exit(e);
        // CLI11 has an exit code per kind of parse error; ours is one: 2.
        // Point at the help of the subcommand whose options were wrong.
        std::string help = "netring --help";
        for (const Command &c : commands)
            if (c.app->parsed())
                help = fmt::format("netring {} --help", c.app->get_name());
        eprint("netring: {} (see {})\n", e.what(), help);
        return exit_usage;
    }
    // The default logger writes to stdout, which may be the capture stream (-w -);
    // capture threads log too, hence the locked (_mt) logger.
    spdlog::set_default_logger(spdlog::stderr_logger_mt("netring"));
    spdlog::set_pattern("netring: %l: %v");
    spdlog::set_level(spdlog::level::from_str(log_level));
    for (const Command &c : commands)
        if (c.app->parsed())
            return c.run();
    return exit_usage;
}
