// SPDX-License-Identifier: GPL-2.0-or-later
// netring's entry point: registers the subcommands and runs the chosen one.
#include <CLI/CLI.hpp>

int main(int argc, char **argv)
{
    CLI::App app{"netring: packet capture and replay on AF_PACKET and AF_XDP"};
    app.require_subcommand(1);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
