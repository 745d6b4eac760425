// SPDX-License-Identifier: GPL-2.0-or-later
// `netring stats -i IFACE[,IFACE...]`: interface counters every interval, then a summary per interface.
#include <algorithm>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "errors.h"
#include "stats_modes.h"
#include "netring/base/clock.h"
#include "netring/base/interface.h"
#include "netring/base/link_stats.h"
#include "netring/base/stop_signal.h"
#include "netring/stats/driver_meter.h"
#include "netring/stats/link_meter.h"
#include "netring/stats/ticker.h"

namespace netring::cli {

namespace {

using stats::Record;

// One interface's series of samples.
struct Series {
    std::string name;
    unsigned index = 0;
    stats::LinkMeter meter;
    std::optional<stats::DriverMeter> driver;
    bool live = true;
};

const char *event_name(const stats::LinkInterval &iv)
{
    return iv.reset ? "reset" : iv.wrapped ? "wrapped32" : "none";
}

void add_counters(Record &r, const LinkStats &s, const char *suffix)
{
    r.add(fmt::format("rx_packets{}", suffix), s.rx_packets).add(fmt::format("rx_bytes{}", suffix), s.rx_bytes);
    r.add(fmt::format("tx_packets{}", suffix), s.tx_packets).add(fmt::format("tx_bytes{}", suffix), s.tx_bytes);
}

void add_problems(Record &r, const LinkStats &s, const char *suffix)
{
    r.add(fmt::format("rx_dropped{}", suffix), s.rx_dropped).add(fmt::format("rx_errors{}", suffix), s.rx_errors);
    r.add(fmt::format("rx_missed{}", suffix), s.rx_missed).add(fmt::format("tx_dropped{}", suffix), s.tx_dropped);
    r.add(fmt::format("tx_errors{}", suffix), s.tx_errors);
}

void add_driver(Record &r, const std::vector<stats::NamedCount> &counts)
{
    for (const auto &[name, value] : counts)
        r.add("driver_" + name, value);
}

Record interval_record(const Series &s, const stats::LinkInterval &iv, const std::vector<stats::NamedCount> &driver_delta)
{
    Record r;
    r.add("type", "interval").add("ts_ns", realtime_ns()).add("interface", s.name).add("elapsed_ns", iv.elapsed_ns);
    r.add("rx_packets", iv.delta.rx_packets).add("rx_bytes", iv.delta.rx_bytes);
    r.add("rx_pps", iv.rates.rx_pps).add("rx_bps", iv.rates.rx_bps);
    r.add("tx_packets", iv.delta.tx_packets).add("tx_bytes", iv.delta.tx_bytes);
    r.add("tx_pps", iv.rates.tx_pps).add("tx_bps", iv.rates.tx_bps);
    add_problems(r, iv.delta, "");
    const LinkStats &t = s.meter.totals();
    add_counters(r, t, "_total");
    add_problems(r, t, "_total");
    r.add("counter_event", event_name(iv));
    add_driver(r, driver_delta);
    return r;
}

Record summary_record(const Series &s)
{
    Record r;
    const LinkStats &t = s.meter.totals();
    const stats::Rates avg = s.meter.average();
    const stats::Rates &peak = s.meter.peak();
    r.add("type", "summary").add("ts_ns", realtime_ns()).add("interface", s.name);
    r.add("elapsed_ns", s.meter.elapsed_ns()).add("intervals", s.meter.intervals());
    r.add("rx_packets", t.rx_packets).add("rx_bytes", t.rx_bytes).add("rx_pps", avg.rx_pps).add("rx_bps", avg.rx_bps);
    r.add("tx_packets", t.tx_packets).add("tx_bytes", t.tx_bytes).add("tx_pps", avg.tx_pps).add("tx_bps", avg.tx_bps);
    add_problems(r, t, "");
    r.add("rx_peak_pps", peak.rx_pps).add("rx_peak_bps", peak.rx_bps);
    r.add("tx_peak_pps", peak.tx_pps).add("tx_peak_bps", peak.tx_bps);
    r.add("counter_resets", s.meter.resets()).add("gone", !s.live);
    if (s.driver)
        add_driver(r, s.driver->totals());
    return r;
}

stats::Layout layout_for(const std::vector<Series> &series)
{
    stats::Layout l;
    l.columns = {"type",          "ts_ns",         "interface",        "elapsed_ns",       "intervals",
                 "rx_packets",    "rx_bytes",      "rx_pps",           "rx_bps",           "tx_packets",
                 "tx_bytes",      "tx_pps",        "tx_bps",           "rx_dropped",       "rx_errors",
                 "rx_missed",     "tx_dropped",    "tx_errors",        "rx_packets_total", "rx_bytes_total",
                 "tx_packets_total", "tx_bytes_total", "rx_dropped_total", "rx_errors_total", "rx_missed_total",
                 "tx_dropped_total", "tx_errors_total", "rx_peak_pps",   "rx_peak_bps",      "tx_peak_pps",
                 "tx_peak_bps",   "counter_event", "counter_resets",   "gone",             "message"};
    // Driver counters differ per driver: their columns are the union, in order of appearance.
    for (const Series &s : series) {
        if (!s.driver)
            continue;
        for (const std::string &n : s.driver->names()) {
            std::string col = "driver_" + n;
            if (std::find(l.columns.begin(), l.columns.end(), col) == l.columns.end())
                l.columns.push_back(std::move(col));
        }
    }
    stats::TextTable t;
    t.type = "interval";
    t.columns = {{"ts_ns", "time", 12},         {"interface", "interface", 15}, {"rx_pps", "rx pps", 8},
                 {"rx_bps", "rx bit/s", 9},     {"tx_pps", "tx pps", 8},        {"tx_bps", "tx bit/s", 9},
                 {"rx_dropped", "rx drop", 8},  {"tx_dropped", "tx drop", 8},   {"rx_errors", "rx err", 7},
                 {"tx_errors", "tx err", 7}};
    t.extra_prefix = "driver_";
    l.tables.push_back(std::move(t));
    return l;
}

// Driver counter deltas since the previous read; on failure the series goes on without them.
std::vector<stats::NamedCount> driver_step(Series &s)
{
    if (!s.driver)
        return {};
    auto now = s.driver->step();
    if (!now) {
        eprint("netring stats: {}: {}; driver counters no longer shown\n", s.name, now.error().message());
        s.driver.reset();
        return {};
    }
    return std::move(now.value());
}

}  // namespace

int run_link_stats(const StatsOptions &o)
{
    std::vector<Series> series;
    for (const std::string &name : o.interfaces) {
        if (std::any_of(series.begin(), series.end(), [&](const Series &s) { return s.name == name; }))
            continue;
        auto info = lookup_interface(name);
        if (!info)
            return report("stats", info.error());
        Series s;
        s.name = name;
        s.index = info->index;
        series.push_back(std::move(s));
    }
    auto reader = LinkStatsReader::open();
    if (!reader)
        return report("stats", reader.error());

    install_stop_handlers();
    for (Series &s : series) {
        auto first = reader->read(s.index);
        if (!first)
            return report("stats", Error::sys(first.error().code, fmt::format("counters of {}", s.name)));
        s.meter.start(first.value(), monotonic_ns());
        if (auto driver = stats::DriverMeter::open(s.name, o.driver_set); driver && !driver->empty())
            s.driver = std::move(driver.value());
    }
    auto writer = stats::make_writer(o.output, stdout, layout_for(series));
    std::optional<Error> write_error;
    auto emit = [&](const Record &r) {
        if (write_error)
            return;
        if (auto st = writer->write(r); !st)
            write_error = st.error();
    };

    // Reads every live interface once: an interval line each, or the news that it went away.
    auto sample_all = [&] {
        for (Series &s : series) {
            if (!s.live)
                continue;
            auto now = reader->read(s.index);
            const std::uint64_t mono = monotonic_ns();
            if (!now) {
                s.live = false;
                Record r;
                r.add("type", "gone").add("ts_ns", realtime_ns()).add("interface", s.name);
                r.add("message", now.error().code == ENODEV ? std::string("the interface went away")
                                                            : now.error().message());
                emit(r);
                continue;
            }
            const stats::LinkInterval iv = s.meter.sample(now.value(), mono);
            emit(interval_record(s, iv, driver_step(s)));
        }
    };
    auto any_live = [&] { return std::any_of(series.begin(), series.end(), [](const Series &s) { return s.live; }); };

    stats::Ticker ticker(monotonic_ns(), o.interval_ns, o.duration_ns);
    std::uint64_t intervals = 0;
    while (!write_error && any_live()) {
        const bool final = ticker.final();
        if (!sleep_until(ticker.next())) {
            // Stopped by a signal: what happened since the last tick still counts.
            sample_all();
            break;
        }
        sample_all();
        ++intervals;
        if (final || (o.count != 0 && intervals >= o.count))
            break;
        ticker.advance(monotonic_ns());
    }
    for (const Series &s : series)
        emit(summary_record(s));

    if (write_error && write_error->code != EPIPE)
        return stdout_failed("stats", write_error->code);
    if (!any_live() && !write_error) {
        eprint("netring stats: every interface measured went away\n");
        return exit_runtime;
    }
    return exit_ok;
}

}  // namespace netring::cli
