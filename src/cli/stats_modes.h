// SPDX-License-Identifier: GPL-2.0-or-later
// The three modes of `netring stats` and the options they share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netring/stats/driver_stats.h"
#include "netring/stats/writer.h"

namespace netring::cli {

struct StatsOptions {
    // As given on the command line.
    std::vector<std::string> interfaces;
    std::string interval = "1";
    std::string duration;
    bool duration_given = false;
    std::uint64_t count = 0;
    std::string format = "text";
    bool capture = false;
    std::string backend = "packet";
    std::uint32_t queue = 0;
    std::uint16_t port = 0;
    bool no_promiscuous = false;
    std::string driver_stats = "auto";
    bool driver_stats_given = false;
    std::vector<std::string> args;  // filter words with --capture, files otherwise

    // Checked and converted by the dispatcher before a mode runs.
    std::uint64_t interval_ns = 0;
    std::uint64_t duration_ns = 0;
    stats::Format output = stats::Format::text;
    stats::DriverStatsSet driver_set = stats::DriverStatsSet::queues_and_xdp;
};

int run_link_stats(const StatsOptions &o);
int run_capture_stats(const StatsOptions &o);
int run_file_stats(const StatsOptions &o);

// Sleeps until the CLOCK_MONOTONIC deadline; false if a stop signal came first.
bool sleep_until(std::uint64_t deadline_ns);

}  // namespace netring::cli
