// SPDX-License-Identifier: GPL-2.0-or-later
// `netring xdp-tx`: synthetic stamped UDP (or bare Ethernet) traffic over AF_XDP TX rings.
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "carrier_watch.h"
#include "command.h"
#include "errors.h"
#include "number_checks.h"
#include "status_line.h"
#include "tx_report.h"
#include "netring/afxdp/xdp_tx_sender.h"
#include "netring/base/clock.h"
#include "netring/base/histogram.h"
#include "netring/base/interface.h"
#include "netring/base/neighbour.h"
#include "netring/base/stop_signal.h"
#include "netring/traffic/frame_template.h"
#include "netring/traffic/pacer.h"
#include "netring/traffic/tx_args.h"

namespace netring::cli {

namespace {

constexpr const char *cmd = "xdp-tx";

struct XdpTxCliOptions {
    std::string interface;
    std::string proto = "udp4";
    std::string src_mac;
    std::string dst_mac;
    std::string src_ip;
    std::string dst_ip;
    std::uint32_t src_port = 49152;
    std::uint32_t dst_port = traffic::default_port;
    std::string size;  // empty: the template's minimum
    std::uint32_t flows = 1;
    std::string rate;
    std::string bitrate;
    std::uint64_t count = 0;
    double duration = 0;
    std::uint32_t queues = 1;
    std::uint32_t first_queue = 0;
    std::uint32_t batch = 64;
    std::uint32_t slots = 4096;
    std::uint32_t stream = 0;
    bool zero_copy = false;
    bool json = false;
    bool quiet = false;
    // The UDP-only options given on the command line, by name: --proto eth
    // refuses them rather than sending frames that ignore them.
    std::vector<std::string> udp_options;
};

// What one thread (one queue, one socket) needs and reports.
struct Worker {
    std::unique_ptr<xdp::XdpTxSender> sender;
    std::unique_ptr<traffic::FrameTemplate> tmpl;
    const std::vector<std::uint32_t> *sizes = nullptr;
    std::uint32_t flows = 1;
    std::uint32_t batch = 64;
    PaceConfig pace;
    std::uint64_t count = 0;  // 0: until stopped
    // The same for every worker: one schedule for all queues, and --duration
    // counted from the moment the first frame is due.
    std::uint64_t start_ns = 0;
    std::uint64_t end_ns = UINT64_MAX;

    // Written by the worker, read by the status line (relaxed: progress only).
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> queued{0};
    std::atomic<bool> done{false};

    // Read after join().
    std::uint64_t stop_ns = 0;
    Histogram timing;
    std::optional<Error> error;
};

std::optional<MacAddress> parse_mac(const std::string &s)
{
    MacAddress m{};
    unsigned v[6];
    char tail = 0;
    if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return std::nullopt;
    for (int i = 0; i < 6; ++i)
        m[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v[i]);
    return m;
}

std::optional<IpAddress> parse_ip(const std::string &s, int family)
{
    IpAddress a{};
    if (::inet_pton(family, s.c_str(), a.data()) != 1)
        return std::nullopt;
    return a;
}

std::string format_ip(const IpAddress &a, int family)
{
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, a.data(), buf, sizeof(buf));
    return buf;
}

// The hot loop. Every chunk of the socket keeps the last frame written into
// it; tags[chunk] says which (size index, flow) that was, so a frame whose
// chunk already holds its headers only gets its stamp and UDP checksum
// rewritten. Nothing here allocates or formats.
void run_worker(Worker &w)
{
    xdp::XdpTxSender &s = *w.sender;
    const traffic::FrameTemplate &t = *w.tmpl;
    const std::vector<std::uint32_t> &sizes = *w.sizes;
    std::vector<std::uint64_t> tags(s.chunk_count(), UINT64_MAX);
    Schedule schedule(w.pace);
    const bool paced = schedule.paced();
    std::size_t si = 0;
    std::uint32_t flow = 0;
    std::uint64_t seq = 0;
    std::uint32_t since_kick = 0;
    // At top speed a batch goes out together, so one clock read stamps it;
    // paced frames each read the clock when they are due.
    std::uint64_t sent_ns = realtime_ns();

    auto cycle = [&]() {
        if (auto st = s.kick(); !st) {
            w.error = st.error();
            return false;
        }
        s.reap();
        return true;
    };

    while (w.count == 0 || seq < w.count) {
        if (stop_requested() != 0)
            break;
        const std::uint32_t size = sizes[si];
        std::uint64_t due = 0;
        if (paced) {
            due = w.start_ns + schedule.next(0, size);
            if (due >= w.end_ns) {
                // The run lasts --duration, not up to its last frame: the
                // report's rate is then frames over the time asked for.
                (void)wait_or_stop(w.end_ns);
                break;
            }
            if (!wait_or_stop(due))
                break;
            sent_ns = realtime_ns();
        }
        std::optional<xdp::XdpTxSender::InPlace> slot;
        while (!(slot = s.queue_in_place(size))) {
            if (!cycle() || stop_requested() != 0)
                break;
        }
        if (!slot)
            break;
        const std::uint64_t tag = (std::uint64_t{si} << 32) | flow;
        if (tags[slot->chunk] != tag) {
            t.write_headers(slot->frame, size, flow);
            tags[slot->chunk] = tag;
        }
        t.stamp(slot->frame, size, flow, seq, sent_ns);
        ++seq;
        if (++si == sizes.size())
            si = 0;
        if (++flow == w.flows)
            flow = 0;
        if (paced) {
            const std::uint64_t now = monotonic_ns();
            w.timing.record(now > due ? now - due : due - now);
            if (!cycle())
                break;
        } else if (++since_kick >= w.batch) {
            since_kick = 0;
            if (!cycle())
                break;
            sent_ns = realtime_ns();
            if (w.end_ns != UINT64_MAX && monotonic_ns() >= w.end_ns)
                break;
        } else {
            continue;
        }
        w.queued.store(seq, std::memory_order_relaxed);
        w.completed.store(s.completed(), std::memory_order_relaxed);
    }
    if (auto st = s.flush(2000, 2000); !st && !w.error)
        w.error = st.error();
    w.stop_ns = monotonic_ns();
    w.queued.store(seq, std::memory_order_relaxed);
    w.completed.store(s.completed(), std::memory_order_relaxed);
    w.done.store(true, std::memory_order_release);
}

// Everything the command line decides, checked before any socket is opened.
struct Plan {
    traffic::TemplateConfig tmpl;
    std::vector<std::uint32_t> sizes;
    PaceConfig pace;
    InterfaceInfo info;
    std::uint32_t min_size = 0;
};

std::optional<int> plan_run(const XdpTxCliOptions &o, Plan &p)
{
    if (o.interface.empty())
        return usage(cmd, fmt::format("-i IFACE is required (interfaces here: {})", fmt::join(interface_names(), ", ")));
    if (!o.rate.empty() && !o.bitrate.empty())
        return usage(cmd, "choose one of --rate and --bitrate");
    if (!o.rate.empty()) {
        auto r = traffic::parse_rate(o.rate, "--rate");
        if (!r)
            return usage(cmd, r.error().message());
        p.pace.mode = PaceMode::pps;
        p.pace.pps = r.value();
    } else if (!o.bitrate.empty()) {
        auto r = traffic::parse_rate(o.bitrate, "--bitrate");
        if (!r)
            return usage(cmd, r.error().message());
        p.pace.mode = PaceMode::bitrate;
        p.pace.bits_per_second = r.value();
    } else {
        p.pace.mode = PaceMode::top_speed;
    }
    // Stream ids are 16 bits: wrapping would give two queues one stream.
    if (o.stream + o.queues - 1 > 65535)
        return usage(cmd, fmt::format("--stream {} with --queues {} runs past stream id 65535", o.stream, o.queues));
    if (o.src_port + o.flows - 1 > 65535)
        return usage(cmd, fmt::format("--src-port {} with --flows {} runs past port 65535", o.src_port, o.flows));

    auto &t = p.tmpl;
    t.proto = o.proto == "udp6" ? traffic::TemplateProto::udp6
              : o.proto == "eth" ? traffic::TemplateProto::eth
                                 : traffic::TemplateProto::udp4;
    t.src_port = static_cast<std::uint16_t>(o.src_port);
    t.dst_port = static_cast<std::uint16_t>(o.dst_port);
    const int family = t.proto == traffic::TemplateProto::udp6 ? AF_INET6 : AF_INET;
    const bool ip = t.proto != traffic::TemplateProto::eth;
    if (!ip && (!o.src_ip.empty() || !o.dst_ip.empty()))
        return usage(cmd, "--src-ip and --dst-ip need --proto udp4 or udp6");
    // Flows are UDP source ports; a bare Ethernet frame has no port to vary.
    if (!ip && !o.udp_options.empty())
        return usage(cmd, fmt::format("--proto eth frames have no UDP ports for {} to set (use --proto udp4 or udp6)",
                                      fmt::join(o.udp_options, " and ")));
    for (const auto &[text, opt] : {std::pair{o.src_mac, "--src-mac"}, std::pair{o.dst_mac, "--dst-mac"}})
        if (!text.empty() && !parse_mac(text))
            return usage(cmd, fmt::format("{} '{}' is not a MAC address such as 02:00:00:00:00:01", opt, text));
    for (const auto &[text, opt] : {std::pair{o.src_ip, "--src-ip"}, std::pair{o.dst_ip, "--dst-ip"}})
        if (!text.empty() && !parse_ip(text, family))
            return usage(cmd, fmt::format("{} '{}' is not an {} address (--proto {})", opt, text,
                                          family == AF_INET ? "IPv4" : "IPv6", o.proto));

    // Nothing about the interface is needed to reject the sizes' syntax.
    const traffic::FrameTemplate probe(t);
    p.min_size = probe.min_size();
    if (o.size.empty()) {
        p.sizes = {p.min_size};
    } else {
        auto sizes = traffic::parse_sizes(o.size);
        if (!sizes)
            return usage(cmd, sizes.error().message());
        p.sizes = std::move(sizes.value());
    }

    auto info = lookup_interface(o.interface);
    if (!info)
        return report(cmd, info.error());
    p.info = info.value();
    // One frame per UMEM chunk (no multi-buffer): 4096 bytes at most.
    const std::uint32_t max_size = std::min<std::uint32_t>(p.info.mtu + 14, 4096);
    for (const std::uint32_t s : p.sizes)
        if (s < p.min_size || s > max_size)
            return usage(cmd, fmt::format("--size {} is outside {}..{} (--proto {} needs {} bytes for its headers "
                                          "and the {}-byte stamp; {} has MTU {}{})",
                                          s, p.min_size, max_size, o.proto, probe.header_size(),
                                          traffic::stamp_size, o.interface, p.info.mtu,
                                          p.info.mtu + 14 > 4096 ? ", and a frame must fit a 4096-byte UMEM chunk" : ""));

    return std::nullopt;
}

// Defaults from the interface and its neighbour table; after the sockets
// opened, so that a run that cannot send warns about nothing.
void resolve_addresses(const XdpTxCliOptions &o, Plan &p)
{
    auto &t = p.tmpl;
    const int family = t.proto == traffic::TemplateProto::udp6 ? AF_INET6 : AF_INET;
    const bool ip = t.proto != traffic::TemplateProto::eth;
    t.src_mac = o.src_mac.empty() ? p.info.mac : *parse_mac(o.src_mac);
    if (ip) {
        if (!o.src_ip.empty()) {
            t.src_ip = *parse_ip(o.src_ip, family);
        } else if (auto a = interface_address(p.info.index, family); a && a.value()) {
            t.src_ip = *a.value();
        } else {
            t.src_ip = *parse_ip(family == AF_INET ? "192.0.2.1" : "2001:db8::1", family);
        }
        t.dst_ip = *parse_ip(!o.dst_ip.empty() ? o.dst_ip : family == AF_INET ? "192.0.2.2" : "2001:db8::2", family);
    }
    if (!o.dst_mac.empty()) {
        t.dst_mac = *parse_mac(o.dst_mac);
    } else {
        std::optional<MacAddress> mac;
        if (ip)
            if (auto n = neighbour_mac(p.info.index, family, t.dst_ip); n)
                mac = n.value();
        if (mac) {
            t.dst_mac = *mac;
        } else {
            // Broadcast reaches every host on the link, the receiver included,
            // without promiscuous mode; say so, since it also reaches the rest.
            t.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
            spdlog::warn("no neighbour entry{} on {}; sending to the broadcast address (set --dst-mac)",
                         ip ? " for " + format_ip(t.dst_ip, family) : std::string(), o.interface);
        }
    }
}

int run_xdp_tx(const XdpTxCliOptions &o)
{
    Plan p;
    if (auto bad = plan_run(o, p))
        return *bad;

    // Every socket opens before any frame goes out, so a failure on one
    // queue sends nothing at all.
    std::vector<std::unique_ptr<Worker>> workers;
    const std::uint64_t duration_ns = o.duration > 0 ? static_cast<std::uint64_t>(std::llround(o.duration * 1e9)) : 0;
    for (std::uint32_t i = 0; i < o.queues; ++i) {
        auto w = std::make_unique<Worker>();
        xdp::XdpTxOptions x;
        x.interface = o.interface;
        x.queue = o.first_queue + i;
        x.zero_copy = o.zero_copy;
        x.slots = o.slots;
        x.batch = o.batch;
        x.warn_mtu_over_chunk = false;  // plan_run() held the sizes to the chunk
        x.sockets = o.queues;
        auto sender = xdp::XdpTxSender::open(x);
        if (!sender)
            return report(cmd, sender.error());
        w->sender = std::move(sender.value());
        workers.push_back(std::move(w));
    }
    resolve_addresses(o, p);
    StatusLine status(!o.quiet && !o.json);
    CarrierWatch carrier(o.interface, status);
    carrier.check(monotonic_ns());
    for (std::uint32_t i = 0; i < o.queues; ++i) {
        Worker *w = workers[i].get();
        traffic::TemplateConfig tc = p.tmpl;
        tc.stream = static_cast<std::uint16_t>(o.stream + i);
        w->tmpl = std::make_unique<traffic::FrameTemplate>(tc);
        w->sizes = &p.sizes;
        w->flows = o.flows;
        w->batch = o.batch;
        // The rate is shared: queue i sends frames i, Q + i, 2Q + i, ... of
        // one schedule, so the queues' frames alternate instead of leaving
        // together.
        w->pace = p.pace;
        w->pace.lane = i;
        w->pace.lanes = o.queues;
        w->count = o.count / o.queues + (i < o.count % o.queues ? 1 : 0);
    }
    // With fewer frames than queues, the queues left without any stay idle.
    if (o.count != 0)
        std::erase_if(workers, [](const std::unique_ptr<Worker> &w) { return w->count == 0; });
    spdlog::info("{} on {} queue(s) from {}, {} size(s) {}..{}, {} flow(s)", workers.front()->sender->describe(),
                 workers.size(), o.first_queue, p.sizes.size(), p.sizes.front(), p.sizes.back(), o.flows);

    install_stop_handlers();
    const std::uint64_t start = monotonic_ns();
    std::vector<std::thread> threads;
    for (auto &w : workers) {
        w->start_ns = start;
        w->end_ns = duration_ns != 0 ? start + duration_ns : UINT64_MAX;
        threads.emplace_back(run_worker, std::ref(*w));
    }
    std::uint64_t last_completed = 0;
    std::uint64_t last_ns = start;
    for (;;) {
        bool all_done = true;
        for (const auto &w : workers)
            all_done = all_done && w->done.load(std::memory_order_acquire);
        if (all_done)
            break;
        const timespec tick{0, 100'000'000};
        ::nanosleep(&tick, nullptr);
        const std::uint64_t now = monotonic_ns();
        carrier.check(now);
        if (status.due(now)) {
            std::uint64_t completed = 0;
            std::uint64_t queued = 0;
            for (const auto &w : workers) {
                completed += w->completed.load(std::memory_order_relaxed);
                queued += w->queued.load(std::memory_order_relaxed);
            }
            const double pps = static_cast<double>(completed - last_completed) * 1e9 / static_cast<double>(now - last_ns);
            status.update(now, fmt::format("{} frames sent, {} queued, {:.0f} pps", completed, queued, pps));
            last_completed = completed;
            last_ns = now;
        }
    }
    for (auto &t : threads)
        t.join();
    status.clear();

    TxTotals totals;
    Histogram timing;
    std::uint64_t stop = start;
    std::optional<Error> error;
    for (auto &w : workers) {
        totals.queued += w->queued.load();
        totals.completed += w->sender->completed();
        totals.bytes += w->sender->completed_bytes();
        timing.merge(w->timing);
        stop = std::max(stop, w->stop_ns);
        if (w->error && !error)
            error = w->error;
    }
    totals.elapsed_ns = stop - start;
    print_tx_report(cmd, totals, p.pace.mode != PaceMode::top_speed ? &timing : nullptr, {}, 0, o.json);
    const int written = finish_stdout(cmd);
    if (error)
        return report(cmd, *error);
    return written;
}

}  // namespace

Command register_xdp_tx(CLI::App &parent)
{
    auto o = std::make_shared<XdpTxCliOptions>();
    CLI::App *app = parent.add_subcommand("xdp-tx", "Send synthetic stamped UDP traffic over AF_XDP");
    app->add_option("-i,--interface", o->interface, "Interface to send on");
    app->add_option("--proto", o->proto, "udp4 (default), udp6 or eth (bare Ethernet, EtherType 0x88b5)")
        ->check(CLI::IsMember({"udp4", "udp6", "eth"}));
    app->add_option("--src-mac", o->src_mac, "Source MAC (default: the interface's)");
    app->add_option("--dst-mac", o->dst_mac,
                    "Destination MAC (default: the neighbour entry of --dst-ip, else broadcast)");
    app->add_option("--src-ip", o->src_ip, "Source address (default: the interface's, else 192.0.2.1 / 2001:db8::1)");
    app->add_option("--dst-ip", o->dst_ip, "Destination address (default 192.0.2.2 / 2001:db8::2)");
    CLI::Option *src_port = app->add_option("--src-port", o->src_port, "UDP source port of flow 0 (default 49152)")
                                ->transform(whole_number)
                                ->check(CLI::Range(1, 65535));
    CLI::Option *dst_port = app->add_option("--dst-port", o->dst_port, "UDP destination port (default 9, discard)")
                                ->transform(whole_number)
                                ->check(CLI::Range(1, 65535));
    app->add_option("--size", o->size,
                    "Frame bytes without FCS: N, a list 64,512,1514 or a range 64-1514 swept in order "
                    "(default: the smallest, 60 or 80 for udp6)");
    CLI::Option *flows = app->add_option("--flows", o->flows, "Vary the UDP source port over N flows")
                             ->transform(whole_number)
                             ->check(CLI::Range(1, 65535));
    app->add_option("--rate", o->rate, "Frames per second in all (k, M, G suffixes)")->check(non_empty());
    app->add_option("--bitrate", o->bitrate, "Bits per second of frame bytes in all (k, M, G suffixes)")
        ->check(non_empty());
    app->add_option("--count", o->count, "Stop after N frames in all")->transform(whole_number);
    app->add_option("--duration", o->duration, "Stop after SEC seconds")->check(positive_number);
    app->add_option("--queues", o->queues, "One thread and AF_XDP socket per queue")
        ->transform(whole_number)
        ->check(CLI::Range(1, 256));
    app->add_option("--queue", o->first_queue, "First queue (default 0)")->transform(whole_number);
    app->add_option("--batch", o->batch, "Frames per TX ring batch (default 64)")
        ->transform(whole_number)
        ->check(CLI::Range(1, 4096));
    app->add_option("--tx-slots", o->slots, "TX ring slots per queue (default 4096)")
        ->transform(whole_number)
        ->check(CLI::Range(64, 1 << 20));
    app->add_option("--stream", o->stream, "Stream id of the first queue's stamps (then +1 per queue)")
        ->transform(whole_number)
        ->check(CLI::Range(0, 65535));
    app->add_flag("--zero-copy", o->zero_copy, "Ask for zero-copy mode (falls back to copy mode)");
    app->add_flag("--json", o->json, "Print the report as one JSON object on stdout");
    app->add_flag("-q,--quiet", o->quiet, "No status line");
    return Command{app, [o, src_port, dst_port, flows] {
                       for (const CLI::Option *u : {flows, src_port, dst_port})
                           if (u->count() != 0)
                               o->udp_options.push_back(u->get_name());
                       return run_xdp_tx(*o);
                   }};
}

}  // namespace netring::cli
