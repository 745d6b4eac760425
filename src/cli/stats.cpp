// SPDX-License-Identifier: GPL-2.0-or-later
// `netring stats`: interface counters, capture counts with loss and latency, or capture file summaries.
#include <cerrno>
#include <cmath>
#include <ctime>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "command.h"
#include "errors.h"
#include "number_checks.h"
#include "stats_modes.h"
#include "netring/base/stop_signal.h"
#include "netring/traffic/stamp.h"

namespace netring::cli {

namespace {

constexpr double min_interval_s = 0.01;
constexpr double max_seconds = 31'536'000;  // a year

// Seconds as given on the command line ("1", "0.25", "2e-1") in ns; nothing
// when the text is not a plain decimal number within [min, max_seconds].
std::optional<std::uint64_t> parse_seconds(const std::string &text, double min)
{
    if (!decimal_text(text))
        return std::nullopt;
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < min || v > max_seconds)
        return std::nullopt;
    return static_cast<std::uint64_t>(std::llround(v * 1e9));
}

// Converts and cross-checks the options; a usage message when they do not fit.
std::optional<std::string> check(StatsOptions &o)
{
    const auto interval = parse_seconds(o.interval, min_interval_s);
    if (!interval)
        return fmt::format("--interval '{}': expected seconds, a number from {} to {} (e.g. 1 or 0.1)", o.interval,
                           min_interval_s, max_seconds);
    o.interval_ns = *interval;
    if (o.duration_given) {
        const auto duration = parse_seconds(o.duration, 0.001);
        if (!duration)
            return fmt::format("--duration '{}': expected seconds, a positive number (e.g. 10 or 2.5)", o.duration);
        o.duration_ns = *duration;
    }
    const auto format = stats::parse_format(o.format);
    if (!format)
        return fmt::format("--format '{}': expected text, json or csv", o.format);
    o.output = *format;
    if (o.driver_stats == "none")
        o.driver_set = stats::DriverStatsSet::none;
    else if (o.driver_stats == "all")
        o.driver_set = stats::DriverStatsSet::all;
    else if (o.driver_stats == "auto")
        o.driver_set = stats::DriverStatsSet::queues_and_xdp;
    else
        return fmt::format("--driver-stats '{}': expected auto, all or none", o.driver_stats);
    if (o.backend != "packet" && o.backend != "xdp")
        return fmt::format("--backend '{}': expected packet or xdp", o.backend);

    if (o.interfaces.empty()) {
        if (o.capture)
            return std::string("--capture needs -i IFACE");
        if (o.args.empty())
            return std::string("nothing to measure: give -i IFACE[,IFACE...] for live counters or capture FILEs to summarise");
    }
    // Driver counters are the interface's, read beside its own: a capture
    // counts frames netring receives, and a file has no driver.
    if (o.driver_stats_given && (o.capture || o.interfaces.empty()))
        return fmt::format("--driver-stats applies to live counters only (-i IFACE without --capture), not to {}",
                           o.capture ? "--capture" : "capture files");
    if (o.interfaces.empty())
        return std::nullopt;
    if (!o.capture) {
        if (!o.args.empty())
            return fmt::format("'{}': files cannot be summarised together with -i (a filter expression needs --capture)",
                               o.args.front());
        if (o.backend != "packet" || o.queue != 0 || o.port != 0 || o.no_promiscuous)
            return std::string("--backend, --queue, --port and -p apply to --capture only");
        return std::nullopt;
    }
    if (o.interfaces.size() != 1)
        return fmt::format("--capture measures one interface, not {}", o.interfaces.size());
    if (o.backend == "packet" && o.queue != 0)
        return std::string("--queue needs --backend xdp");
    return std::nullopt;
}

}  // namespace

bool sleep_until(std::uint64_t deadline_ns)
{
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000ULL);
    ts.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000ULL);
    while (stop_requested() == 0) {
        // Our signal handlers are installed without SA_RESTART: a signal ends the sleep at once.
        const int rc = ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
        if (rc == 0)
            return stop_requested() == 0;
        if (rc != EINTR)
            return false;
    }
    return false;
}

Command register_stats(CLI::App &parent)
{
    auto opts = std::make_shared<StatsOptions>();
    CLI::App *app = parent.add_subcommand(
        "stats", "Throughput of interfaces, what a capture receives (loss, reordering, latency), or capture file summaries");
    app->add_option("-i,--interface", opts->interfaces, "Interfaces to measure, IFACE[,IFACE...]")
        ->delimiter(',')
        ->allow_extra_args(false);
    app->add_option("--interval", opts->interval, "Seconds between lines, fractions allowed (default 1)");
    app->add_option("-c,--count", opts->count, "Stop after COUNT intervals")->transform(whole_number);
    CLI::Option *duration = app->add_option("--duration", opts->duration, "Stop after SEC seconds");
    app->add_option("--format", opts->format, "Output: text, json (one object per line) or csv");
    app->add_flag("--capture", opts->capture, "Count the frames netring itself receives, with loss and latency of stamped streams");
    app->add_option("--backend", opts->backend, "With --capture: receive with packet (AF_PACKET, default) or xdp (AF_XDP)");
    app->add_option("--queue", opts->queue, "With --backend xdp: the RX queue (default 0)")->transform(whole_number);
    app->add_option("--port", opts->port,
                    fmt::format("With --capture: UDP destination port of stamped frames (default {})", traffic::default_port))
        ->transform(whole_number)
        ->check(CLI::Range(1, 65535));
    app->add_flag("-p,--no-promiscuous-mode", opts->no_promiscuous, "With --capture: leave promiscuous mode off");
    CLI::Option *driver_stats = app->add_option(
        "--driver-stats", opts->driver_stats,
        "Live counters: driver counters (ethtool -S) to add: auto (per-queue and XDP ones), all or none");
    app->add_option("args", opts->args, "Capture files to summarise, or with --capture a libpcap filter expression");
    return Command{app, [opts, duration, driver_stats] {
                       opts->duration_given = duration->count() != 0;
                       opts->driver_stats_given = driver_stats->count() != 0;
                       if (auto problem = check(*opts))
                           return usage("stats", *problem);
                       if (opts->capture)
                           return run_capture_stats(*opts);
                       if (!opts->interfaces.empty())
                           return run_link_stats(*opts);
                       return run_file_stats(*opts);
                   }};
}

}  // namespace netring::cli
