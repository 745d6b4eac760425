// SPDX-License-Identifier: GPL-2.0-or-later
// `netring stats -i IFACE --capture`: frames netring receives, backend drops, and per-stream loss and latency.
#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "errors.h"
#include "stats_modes.h"
#include "netring/afpacket/rx_ring.h"
#include "netring/afxdp/xdp_source.h"
#include "netring/base/clock.h"
#include "netring/base/stop_signal.h"
#include "netring/capture/filter.h"
#include "netring/capture/source.h"
#include "netring/stats/counter.h"
#include "netring/stats/stream_meter.h"
#include "netring/stats/ticker.h"
#include "netring/traffic/stamp.h"

namespace netring::cli {

namespace {

using stats::Record;

// Enough for Ethernet, two VLAN tags, IPv6, UDP and the stamp (88 bytes):
// counting needs no more, and the kernel then copies no more.
constexpr std::uint32_t headers_snaplen = 128;

Result<std::unique_ptr<CaptureSource>> open_source(const StatsOptions &o, const Filter &filter)
{
    if (o.backend == "xdp") {
        xdp::XdpCaptureOptions x;
        x.interface = o.interfaces.front();
        x.queue = o.queue;
        x.snaplen = headers_snaplen;
        x.promiscuous = !o.no_promiscuous;
        x.filter = filter.accepts_all() ? nullptr : &filter;
        auto src = xdp::XdpCaptureSource::open(x);
        if (!src) {
            Error e = src.error();
            // Another XDP program holds the interface; AF_PACKET sees its
            // frames (those it passes) without replacing it.
            if (e.code == EEXIST)
                e.context += "; detach it or use --backend packet";
            return e;
        }
        return std::unique_ptr<CaptureSource>(std::move(src.value()));
    }
    afpacket::RxOptions rx;
    rx.interface = o.interfaces.front();
    rx.snaplen = headers_snaplen;
    rx.promiscuous = !o.no_promiscuous;
    // What arrives is what is measured: frames this host sends are not.
    rx.direction = afpacket::DirectionFilter::in;
    rx.filter = &filter;
    auto ring = afpacket::PacketRxRing::open(rx);
    if (!ring)
        return ring.error();
    return std::unique_ptr<CaptureSource>(std::move(ring.value()));
}

// Frames and bytes handed to us, for one interval and in all.
struct Counts {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
};

stats::Layout capture_layout()
{
    stats::Layout l;
    l.columns = {"type",           "ts_ns",           "interface",       "backend",          "elapsed_ns",
                 "rx_packets",     "rx_bytes",        "rx_pps",          "rx_bps",           "rx_dropped",
                 "rx_packets_total", "rx_bytes_total", "rx_dropped_total", "stamped",         "stamped_total",
                 "rx_peak_pps",    "rx_peak_bps",     "intervals",       "stream",          "lost",             "duplicated",
                 "reordered",      "late",            "restarts",        "latency_samples",  "latency_min_ns",
                 "latency_median_ns", "latency_p99_ns", "latency_max_ns", "message"};
    stats::TextTable c;
    c.type = "capture";
    c.columns = {{"ts_ns", "time", 12},        {"interface", "interface", 15}, {"rx_pps", "rx pps", 8},
                 {"rx_bps", "rx bit/s", 9},    {"rx_packets", "frames", 10},   {"rx_dropped", "dropped", 8},
                 {"stamped", "stamped", 10}};
    stats::TextTable s;
    s.type = "stream";
    s.indent = 2;
    s.columns = {{"stream", "stream", 6},           {"rx_packets", "frames", 10},     {"rx_packets_total", "total", 10},
                 {"lost", "lost", 8},               {"duplicated", "dup", 6},         {"reordered", "reord", 6},
                 {"latency_min_ns", "lat min", 10}, {"latency_median_ns", "lat med", 10},
                 {"latency_p99_ns", "lat p99", 10}, {"latency_max_ns", "lat max", 10}};
    l.tables = {c, s};
    return l;
}

void add_latency(Record &r, const stats::LatencyHistogram &h)
{
    r.add("latency_samples", h.count());
    if (h.count() == 0) {
        r.add_null("latency_min_ns").add_null("latency_median_ns").add_null("latency_p99_ns").add_null("latency_max_ns");
        return;
    }
    r.add("latency_min_ns", h.min()).add("latency_median_ns", h.percentile(50));
    r.add("latency_p99_ns", h.percentile(99)).add("latency_max_ns", h.max());
}

Record stream_record(const char *type, std::uint64_t ts_ns, const std::string &iface, std::uint16_t id,
                     const stats::StreamStats &s, bool interval)
{
    const stats::SequenceCounts c = s.sequence.counts();
    Record r;
    r.add("type", type).add("ts_ns", ts_ns).add("interface", iface).add("stream", id);
    if (interval)
        r.add("rx_packets", s.interval_frames);
    r.add("rx_packets_total", s.frames);
    r.add("lost", c.lost).add("duplicated", c.duplicated).add("reordered", c.reordered);
    r.add("late", c.late).add("restarts", c.restarts);
    add_latency(r, interval ? s.interval_latency : s.latency);
    return r;
}

}  // namespace

int run_capture_stats(const StatsOptions &o)
{
    const std::string &iface = o.interfaces.front();
    const std::uint16_t port = o.port != 0 ? o.port : traffic::default_port;
    const std::string expression = fmt::format("{}", fmt::join(o.args, " "));
    auto filter = Filter::compile(expression, headers_snaplen);
    if (!filter)
        return report("stats", filter.error());

    install_stop_handlers();
    auto opened = open_source(o, filter.value());
    if (!opened)
        return report("stats", opened.error());
    CaptureSource &source = *opened.value();

    Counts interval;
    Counts total;
    stats::StreamMeter streams(port);
    const FrameHandler handler = [&](const Frame &f) {
        ++interval.frames;
        interval.bytes += f.wirelen;
        streams.add(f.data, f.caplen, f.ts_ns);
        return true;
    };

    auto writer = stats::make_writer(o.output, stdout, capture_layout());
    std::optional<Error> write_error;
    auto emit = [&](const Record &r) {
        if (write_error)
            return;
        if (auto st = writer->write(r); !st)
            write_error = st.error();
    };

    std::uint64_t dropped_before = 0;
    std::uint64_t stamped_before = 0;
    std::uint64_t last_mono = monotonic_ns();
    const std::uint64_t start_mono = last_mono;
    double peak_pps = 0;
    double peak_bps = 0;
    std::optional<Error> source_error;
    // The end of an interval on both clocks, read together before any
    // settling drain (whose frames arrived before it): the line's ts_ns is
    // when its interval ended, not when the drain was over, 70 ms later.
    struct End {
        std::uint64_t mono = monotonic_ns();
        std::uint64_t wall = realtime_ns();
    };
    auto tick = [&](End end) {
        const std::uint64_t now = end.mono;
        const std::uint64_t elapsed = now - last_mono;
        last_mono = now;
        std::uint64_t dropped = dropped_before;
        if (auto k = source.counters())
            dropped = k->dropped;
        total.frames += interval.frames;
        total.bytes += interval.bytes;
        const double pps = stats::per_second(interval.frames, elapsed);
        const double bps = stats::bits_per_second(interval.bytes, elapsed);
        peak_pps = std::max(peak_pps, pps);
        peak_bps = std::max(peak_bps, bps);
        Record r;
        r.add("type", "capture").add("ts_ns", end.wall).add("interface", iface).add("backend", o.backend);
        r.add("elapsed_ns", elapsed).add("rx_packets", interval.frames).add("rx_bytes", interval.bytes);
        r.add("rx_pps", pps).add("rx_bps", bps).add("rx_dropped", stats::counter_step(dropped_before, dropped).delta);
        r.add("rx_packets_total", total.frames).add("rx_bytes_total", total.bytes).add("rx_dropped_total", dropped);
        r.add("stamped", streams.stamped() - stamped_before).add("stamped_total", streams.stamped());
        emit(r);
        for (const auto &[id, s] : streams.streams())
            if (s->interval_frames != 0)
                emit(stream_record("stream", end.wall, iface, id, *s, true));
        streams.end_interval();
        dropped_before = dropped;
        stamped_before = streams.stamped();
        interval = Counts{};
    };

    // Frames the kernel took before the end still count (a part-filled
    // TPACKET_V3 block is handed over when its timeout expires).
    auto drain = [&] { (void)poll_settled(source, handler); };

    stats::Ticker ticker(start_mono, o.interval_ns, o.duration_ns);
    std::uint64_t intervals = 0;
    bool ended = false;
    while (stop_requested() == 0 && !write_error) {
        const std::uint64_t now = monotonic_ns();
        if (now >= ticker.next()) {
            const End end{now, realtime_ns()};
            const bool last = ticker.final() || (o.count != 0 && intervals + 1 >= o.count);
            if (last)
                drain();
            tick(end);
            ++intervals;
            if (last) {
                ended = true;
                break;
            }
            ticker.advance(monotonic_ns());
            continue;
        }
        const auto wait_ms = static_cast<int>(std::min<std::uint64_t>(100, (ticker.next() - now) / 1'000'000 + 1));
        if (auto got = source.poll(wait_ms, handler); !got) {
            source_error = got.error();
            break;
        }
    }
    if (!ended && !source_error && !write_error) {
        // Stopped by a signal: the time since the last tick is a last, shorter interval.
        const End stopped;
        drain();
        tick(stopped);
        ++intervals;
    }
    if (source_error) {
        // What came before the interface went is a last, shorter interval,
        // as when stopped by a signal: the summary counts its line.
        tick(End{});
        ++intervals;
        Record r;
        r.add("type", "gone").add("ts_ns", realtime_ns()).add("interface", iface).add("message", source_error->message());
        emit(r);
    }

    Record summary;
    const std::uint64_t elapsed = last_mono - start_mono;
    summary.add("type", "summary").add("ts_ns", realtime_ns()).add("interface", iface).add("backend", o.backend);
    summary.add("elapsed_ns", elapsed).add("intervals", intervals);
    summary.add("rx_packets", total.frames).add("rx_bytes", total.bytes);
    summary.add("rx_pps", stats::per_second(total.frames, elapsed)).add("rx_bps", stats::bits_per_second(total.bytes, elapsed));
    summary.add("rx_dropped", dropped_before).add("stamped", streams.stamped());
    summary.add("rx_peak_pps", peak_pps).add("rx_peak_bps", peak_bps);
    emit(summary);
    for (const auto &[id, s] : streams.streams())
        emit(stream_record("stream_summary", realtime_ns(), iface, id, *s, false));

    if (source_error)
        return report("stats", *source_error);
    if (write_error && write_error->code != EPIPE)
        return stdout_failed("stats", write_error->code);
    return exit_ok;
}

}  // namespace netring::cli
