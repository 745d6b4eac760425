// SPDX-License-Identifier: GPL-2.0-or-later
// `netring capture`: frames from an interface into pcapng, pcap or a terminal.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "autostop.h"
#include "capture_options.h"
#include "capture_sources.h"
#include "command.h"
#include "config.h"
#include "drop_privileges.h"
#include "errors.h"
#include "interface_list.h"
#include "isb_counters.h"
#include "number_checks.h"
#include "post_rotate.h"
#include "rotation_options.h"
#include "status_line.h"
#include "netring/base/clock.h"
#include "netring/base/interface.h"
#include "netring/base/stop_signal.h"
#include "netring/capture/filter.h"
#include "netring/capture/merged_source.h"
#include "netring/capture/source.h"
#include "netring/decode/text_sink.h"
#include "netring/pcap/pcap_writer.h"
#include "netring/pcap/pcapng_writer.h"
#include "netring/pcap/rotating_sink.h"

namespace netring::cli {

namespace {

std::string join(const std::vector<std::string> &words)
{
    return fmt::format("{}", fmt::join(words, " "));
}

// The directory that -w FILE's files go into.
std::string output_directory(const std::string &write_to)
{
    const std::filesystem::path dir = std::filesystem::path(write_to).parent_path();
    return dir.empty() ? std::string(".") : dir.string();
}

Result<RotatedWriter> make_writer(Output out, const CaptureOptions &o, std::span<const InterfaceDescription> idbs)
{
    RotatedWriter made;
    if (o.format == "pcap") {
        auto w = PcapWriter::create(std::move(out), idbs.front());
        if (!w)
            return w.error();
        made.output = &w.value()->output();
        made.sink = std::move(w.value());
    } else {
        auto w = PcapngWriter::create(std::move(out), idbs, fmt::format("netring {}", NETRING_VERSION));
        if (!w)
            return w.error();
        made.output = &w.value()->output();
        made.pcapng = w.value().get();
        made.sink = std::move(w.value());
    }
    // The headers at once, as dumpcap writes them: a capture killed (-9)
    // before its first flush leaves a readable file with no frames rather
    // than an empty one, and a pipe's reader learns the format.
    if (auto st = made.output->flush(); !st)
        return st.error();
    return made;
}

// -X wins over -x, as in tcpdump; given twice, either starts at the first byte.
std::optional<HexDumpStyle> dump_style(const CaptureOptions &o)
{
    if (o.hex_ascii > 0)
        return HexDumpStyle{true, o.hex_ascii > 1};
    if (o.hex > 0)
        return HexDumpStyle{false, o.hex > 1};
    return std::nullopt;
}

Result<std::unique_ptr<FrameSink>> open_sink(const CaptureOptions &o, std::span<const InterfaceDescription> idbs)
{
    // No -w: a terminal gets lines, anything else gets a pcapng stream,
    // unless --print asks for lines there too.
    if (o.write_to.empty() && (o.print || ::isatty(STDOUT_FILENO) == 1))
        return std::unique_ptr<FrameSink>(std::make_unique<TextSink>(stdout, dump_style(o)));
    auto out = Output::open(o.write_to.empty() ? "-" : o.write_to);
    if (!out)
        return out.error();
    out->set_stop_check([] { return stop_requested() > 0; });
    auto w = make_writer(std::move(out.value()), o, idbs);
    if (!w)
        return w.error();
    return std::move(w.value().sink);
}

// One line per socket/queue (-v): where the frames came from and what each lost.
void report_per_socket(const MergedSource &merged, const std::vector<std::string> &labels)
{
    for (std::size_t i = 0; i < merged.size(); ++i) {
        const SourceCounters c = merged.counters_of(i);
        eprint("  {}: {} packets captured, {} received by filter, {} dropped by kernel{}\n", labels[i],
               merged.delivered_by(i), c.received, c.dropped,
               merged.stalls_of(i) != 0 ? fmt::format(", waited {} times for the writer", merged.stalls_of(i))
                                        : std::string());
    }
}

Status check_socket_options(const CaptureOptions &o)
{
    if (o.backend != "xdp" && (o.queue != 0 || !o.queues.empty() || o.zero_copy || !o.xdp_mode.empty() || !o.xsk_map.empty()))
        return Error::logic("--queue, --queues, --zero-copy, --xdp-mode and --xsk-map need --backend xdp");
    if (!o.xsk_map.empty() && !o.xdp_mode.empty())
        return Error::logic("--xdp-mode is how netring attaches its own program; with --xsk-map the program is yours "
                            "and already attached: leave out --xdp-mode");
    if (o.backend == "xdp" && o.direction == "out")
        return Error::logic("--backend xdp sees received frames only (-Q out is for --backend packet)");
    if (o.backend == "xdp" && o.threads > 1)
        return Error::logic("--threads is for --backend packet; with --backend xdp, --queues gives a thread per queue");
    if (!o.queues.empty() && o.queue != 0)
        return Error::logic("--queue and --queues are alternatives: give one");
    if (!o.fanout.empty() && o.threads < 2)
        return Error::logic("--fanout needs --threads N (N > 1)");
    if ((o.unordered || o.reorder_window_ms != default_reorder_window_ms) && !o.several_sockets())
        return Error::logic("--unordered and --reorder-window merge several threads: use them with --threads or --queues");
    return {};
}

int run_capture(const CaptureOptions &o)
{
    if (o.list_interfaces)
        return print_interface_list();
    if (o.interface.empty())
        return usage("capture", fmt::format("-i IFACE is required (interfaces here: {})",
                                            fmt::join(interface_names(), ", ")));
    if (auto st = check_socket_options(o); !st)
        return usage("capture", st.error().context);
    // As gzip does: file bytes on a terminal are noise and can leave it in
    // a mode the user has to reset.
    if (o.write_to == "-" && ::isatty(STDOUT_FILENO) == 1)
        return usage("capture", "not writing capture data to a terminal: pipe standard output into a reader "
                                "(netring capture -w - ... | tshark -r -), or leave out -w to print a line per frame");
    if (o.print && o.write_to == "-")
        return usage("capture", "--print and -w - would both write to standard output: write the capture to a "
                                "file with -w FILE, or leave out -w to have only the lines");
    std::string problem;
    const auto stop = parse_autostop(o.autostop, o.duration, problem);
    if (!stop)
        return usage("capture", problem);
    const auto policy = rotation_policy(o.rotation, o.write_to, problem);
    if (!policy)
        return usage("capture", problem);
    if (!o.rotation.postrotate.empty())
        if (auto why = PostRotate::unrunnable(o.rotation.postrotate))
            return usage("capture", *why);
    if (o.rotation.stats_interval != 0 && (o.format != "pcapng" || o.write_to.empty() || o.write_to == "-"))
        return usage("capture", "--stats-interval needs -w FILE in pcapng format");
    const std::string expression = join(o.filter_words);
    // AF_PACKET filters in the kernel, as tcpdump does; AF_XDP sees frames
    // with their VLAN tags in place and filters them as a file reader would.
    auto filter = o.backend == "xdp" ? Filter::compile(expression, o.snaplen)
                                     : Filter::compile_for_interface(expression, o.snaplen, o.interface);
    if (!filter)
        return report("capture", filter.error());

    std::optional<TargetUser> target;
    if (!o.user.empty()) {
        auto u = lookup_user(o.user);
        if (!u)
            return report("capture", u.error());
        target = u.value();
    }
    // Rotation creates every file after the first, and renames each into
    // place, after the switch to USER: asked now, before anything is
    // opened, rather than found out at the first rotation.
    if (target && policy->rotates()) {
        const std::string dir = output_directory(o.write_to);
        const DirAccess dir_access = user_dir_access(*target, dir);
        if (dir_access == DirAccess::not_writable)
            return usage("capture", fmt::format("-Z {0} with file rotation: the directory {1} is not writable by {0}, "
                                                "who creates the later files and renames each into place; make it "
                                                "writable by {0} (chown {0} {1}) or leave out -Z",
                                                target->name, dir));
    }

    install_stop_handlers();
    auto opened = open_sources(o, filter.value());
    if (!opened)
        return report("capture", opened.error());
    std::vector<InterfaceDescription> idbs;
    for (const auto &description : opened->descriptions) {
        InterfaceDescription &idb = idbs.emplace_back();
        idb.name = o.interface;
        idb.description = description;
        idb.hardware = opened->hardware;
        idb.filter = expression;
        idb.snaplen = o.snaplen;
        idb.tsresol = o.precision == "micro" ? 6 : 9;
    }
    // Several sockets: a thread each, merged here into one stream.
    std::unique_ptr<CaptureSource> owned;
    MergedSource *merged = nullptr;
    if (opened->sources.size() > 1) {
        MergeOptions mo;
        mo.ordered = !o.unordered;
        mo.window_ns = static_cast<std::uint64_t>(o.reorder_window_ms * 1e6);
        auto m = MergedSource::create(std::move(opened->sources), mo);
        merged = m.get();
        owned = std::move(m);
    } else {
        owned = std::move(opened->sources.front());
    }
    CaptureSource &source = *owned;
    const std::uint64_t start_ns = realtime_ns();
    // The same instant on both clocks: -a duration counts from the first
    // file's start, so -G 2 --duration 4 ends as the second file does.
    const std::uint64_t start_mono = monotonic_ns();
    std::uint64_t frames = 0;
    std::optional<PostRotate> post;
    if (!o.rotation.postrotate.empty())
        post.emplace(o.rotation.postrotate);
    RotatingSink *rotating = nullptr;
    IsbCounters isb(source, merged, start_ns);
    Result<std::unique_ptr<FrameSink>> sink_or = Error::logic("no sink");
    if (policy->rotates()) {
        RotatingSinkOptions ro;
        ro.path = o.write_to;
        ro.policy = *policy;
        ro.make_writer = [&o, &idbs](Output out) { return make_writer(std::move(out), o, idbs); };
        ro.counters = [&isb, &frames] { return isb.latest(frames); };
        ro.file_done = [&post](const std::string &name) {
            if (post)
                post->run(name);
        };
        auto r = RotatingSink::open(std::move(ro), start_ns);
        if (r) {
            rotating = r.value().get();
            sink_or = std::unique_ptr<FrameSink>(std::move(r.value()));
        } else {
            sink_or = r.error();
        }
    } else {
        sink_or = open_sink(o, idbs);
    }
    if (!sink_or)
        return report("capture", sink_or.error());
    FrameSink &sink = *sink_or.value();
    auto *plain_pcapng = dynamic_cast<PcapngWriter *>(&sink);
    // Failing before the first frame still leaves a valid (empty) capture
    // file, not the 0 bytes of one whose headers were never flushed.
    const auto give_up = [&sink](const Error &e) {
        (void)sink.finish({});
        return report("capture", e);
    };
    // Everything privileged is open now: the ring, the XDP program and the file.
    if (target) {
        // USER renames the first file into place, which in a sticky
        // directory (/tmp) only its owner may do: the whole rotation is
        // USER's, as with tcpdump -Z -C.
        if (rotating != nullptr)
            if (auto st = rotating->give_current_to(target->uid, target->gid); !st)
                return give_up(st.error());
        if (auto st = drop_privileges(*target); !st)
            return give_up(st.error());
        spdlog::info("running as {} (uid {}, gid {}) with no capabilities", target->name, target->uid, target->gid);
    }
    // After the drop: each thread would keep the capabilities it started with.
    if (merged != nullptr)
        if (auto st = merged->start(); !st)
            return give_up(st.error());

    const std::uint64_t deadline =
        stop->seconds > 0 ? start_mono + static_cast<std::uint64_t>(stop->seconds * 1e9) : 0;
    // -c and -a packets: are one limit, as in dumpcap: the smaller stops.
    const std::uint64_t max_frames =
        o.count == 0 ? stop->packets : stop->packets == 0 ? o.count : std::min(o.count, stop->packets);
    const std::uint64_t max_bytes = stop->kilobytes * 1000;
    const bool to_pipe = o.write_to.empty() || o.write_to == "-";

    // tcpdump's --print: lines on stdout while the frames go to a file.
    std::optional<TextSink> printer;
    if (o.print && !o.write_to.empty())
        printer.emplace(stdout, dump_style(o));
    // The lines' reader went away (| head) or their output failed: no more
    // lines, and the capture stops as on a signal, so that what the sockets
    // hold still reaches the file.
    std::optional<Error> print_error;
    const auto print_failed = [&](const Error &e) {
        print_error = e;
        printer.reset();
        request_stop(SIGPIPE);
    };

    std::uint64_t bytes = 0;
    std::optional<Error> write_error;
    bool limit_reached = false;  // -c, -a packets or filesize, or -W with -G
    const FrameHandler handler = [&](const Frame &f) {
        // Frames still held by capture threads at the end come here too.
        if (write_error || limit_reached)
            return false;
        if (auto st = sink.write(f); !st) {
            write_error = st.error();
            return false;
        }
        // -W N with -G: the last file has ended, and took no frame.
        limit_reached = rotating != nullptr && rotating->exhausted();
        if (!limit_reached) {
            ++frames;
            bytes += f.caplen;
            limit_reached = (max_frames != 0 && frames >= max_frames) ||
                            (max_bytes != 0 && sink.bytes_written() >= max_bytes);
            if (printer)
                if (auto st = printer->write(f); !st)
                    print_failed(st.error());
        }
        if (limit_reached)
            request_stop(-1);
        return !limit_reached;
    };

    // Not with --print, whose lines may share the terminal.
    StatusLine status(!o.quiet && !o.print && !o.write_to.empty() && o.write_to != "-");
    std::optional<Error> source_error;
    std::uint64_t last_flush = start_mono;
    std::uint64_t last_stats = start_mono;
    const auto stats_every = static_cast<std::uint64_t>(o.rotation.stats_interval * 1e9);
    const bool isb_while_running = rotating != nullptr || stats_every != 0;
    bool isb_due = false;
    const auto hold_back_ns = static_cast<std::uint64_t>(source.settle_ms()) * 1'000'000;
    auto write_periodic_isb = [&] {
        Status st;
        if (rotating != nullptr) {
            st = rotating->write_statistics(realtime_ns());
        } else if (plain_pcapng != nullptr) {
            const auto c = isb.latest(frames);
            st = plain_pcapng->write_statistics(c, c.front().end_ns);
            if (st)
                st = plain_pcapng->flush();
        }
        if (!st)
            write_error = st.error();
    };
    bool timed_out = false;  // by -a duration
    while (stop_requested() == 0 && !write_error) {
        std::uint64_t now = monotonic_ns();
        if (deadline != 0 && now >= deadline) {
            timed_out = true;
            break;
        }
        int timeout = 100;
        if (deadline != 0)
            timeout = static_cast<int>(std::min<std::uint64_t>(100, (deadline - now) / 1'000'000 + 1));
        auto got = source.poll(timeout, handler);
        if (!got) {
            source_error = got.error();
            break;
        }
        now = monotonic_ns();
        // A pipe's reader should see frames as they come; a file is written
        // in large chunks, but at least once a second so a crash loses little.
        if (!write_error && (to_pipe || now - last_flush >= 1'000'000'000ULL)) {
            if (auto st = sink.flush(); !st)
                write_error = st.error();
            last_flush = now;
        }
        if (printer)
            if (auto st = printer->flush(); !st)
                print_failed(st.error());
        // Time limits end files even when nothing arrives, once every frame
        // stamped before the limit has reached the writer (it may wait in a
        // ring block or the reorder window); frames after it end the file
        // themselves, by their timestamps. Not once the capture is stopping:
        // a file that -c or -a has just filled would be followed by an
        // empty one that no frame will reach (dumpcap leaves none).
        if (rotating != nullptr && !write_error && !limit_reached && stop_requested() == 0) {
            if (auto st = rotating->tick(realtime_ns() - hold_back_ns); !st)
                write_error = st.error();
            else if (rotating->exhausted())
                break;
        }
        if (stats_every != 0 && now - last_stats >= stats_every && !write_error && !isb_due) {
            last_stats = now;
            if (merged != nullptr)
                isb_due = true;  // written with the threads' next set of counters
            else
                write_periodic_isb();
        }
        // With threads, ISBs written while frames come (periodic ones, and
        // those closing rotated files) take the latest set of counters that
        // belong to one moment; a new set is asked for every 200 ms.
        if (merged != nullptr && isb_while_running && !write_error &&
            isb.step(now, 200'000'000, isb_due) && isb_due) {
            write_periodic_isb();
            isb_due = false;
        }
        if (post)
            post->reap();
        if (status.due(now)) {
            const auto c = source.counters();
            status.update(now, fmt::format("{} frames, {:.1f} MB, {} dropped", frames, static_cast<double>(bytes) / 1e6,
                                           c ? c->dropped : 0));
        }
    }
    status.clear();
    if (rotating != nullptr)
        rotating->stopped_at(timed_out ? start_ns + (deadline - start_mono) : realtime_ns());
    isb_due = false;  // a periodic ISB still waiting: the final ones supersede it

    // Stopped by a signal or the time limit: the kernel may hold frames that
    // arrived before the stop in a ring block that retires only after its
    // timeout (a burst that ended just before a SIGINT can leave thousands
    // of frames in a part-filled block). One last look for them.
    // A link that went down or away leaves them there too: the block's
    // timer runs on without the device.
    const bool exhausted = rotating != nullptr && rotating->exhausted();
    const bool link_gone = source_error && is_link_loss(*source_error);
    const bool settle = !write_error && (!source_error || link_gone) && stop_requested() != -1 && !exhausted;
    if (merged == nullptr && settle)
        if (auto got = poll_settled(source, handler); !got && !source_error)
            source_error = got.error();

    // What the threads captured before they stopped belongs in the file too,
    // unless the capture takes no more (a limit, the last -W file, a failed
    // write): the threads stop, and their counters are read once more.
    if (merged != nullptr) {
        if (exhausted || limit_reached || write_error)
            merged->stop();
        else
            merged->stop_and_drain(handler, settle);
    }
    auto kernel = source.counters();
    const SourceCounters total = kernel ? kernel.value() : SourceCounters{};
    // One read of the kernel's counters serves both the ISB and the report.
    // Delivered: every frame the writer took, not only those it has flushed.
    const auto counters = merged != nullptr ? isb.live(0)
                                            : std::vector{to_interface_counters(total, start_ns, frames)};
    Status finished = sink.finish(counters);
    if (!write_error && !finished)
        write_error = finished.error();
    if (printer)
        if (auto st = printer->flush(); !st)
            print_failed(st.error());
    if (post)
        post->wait_all();

    eprint("{} packets captured, {} received by filter, {} dropped by kernel, {} dropped by interface\n",
           sink.frames_written(), total.received, total.dropped, total.if_dropped);
    if (merged != nullptr) {
        if (o.verbose)
            report_per_socket(*merged, opened->labels);
        if (merged->late_frames() != 0)
            eprint("{} packets came later than the {} ms reorder window and were written out of order\n",
                   merged->late_frames(), o.reorder_window_ms);
    }
    if (!kernel)
        report("capture", kernel.error());
    if (source_error)
        return report("capture", *source_error);
    // A reader that went away (| head) is a normal end, as it is for tcpdump.
    if (write_error && write_error->code != EPIPE)
        return report("capture", *write_error);
    if (print_error && print_error->code != EPIPE)
        return report("capture", *print_error);
    return exit_ok;
}

}  // namespace

Command register_capture(CLI::App &parent)
{
    auto opts = std::make_shared<CaptureOptions>();
    CLI::App *app = parent.add_subcommand("capture", "Capture frames from an interface into pcapng or pcap");
    app->add_option("-i,--interface", opts->interface, "Interface to capture on");
    app->add_option("-w,--write", opts->write_to, "Output file, or - for standard output")
        ->check(non_empty("give a file name, or - for standard output"));
    app->add_option("-c,--count", opts->count, "Stop after COUNT frames")->transform(counting_number);
    app->add_option("-s,--snapshot-length", opts->snaplen, "Bytes kept of each frame (0 = 262144)")
        ->transform(whole_number)
        ->check(CLI::Range(0U, max_snaplen));
    app->add_flag("-p,--no-promiscuous-mode", opts->no_promiscuous, "Do not put the interface in promiscuous mode");
    app->add_option("-Q,--direction", opts->direction, "Directions captured: in, out or inout")
        ->check(CLI::IsMember({"in", "out", "inout"}));
    app->add_option("-B,--buffer-size", opts->buffer_kib, "Kernel ring size in KiB (default 32768)")
        ->transform(whole_number)
        ->check(CLI::Range(std::size_t{256}, std::size_t{4} << 20));
    // One condition per -a, so that a filter expression may follow it.
    app->add_option("-a,--autostop", opts->autostop, "Stop after duration:SEC, packets:N or filesize:KB")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--duration", opts->duration, "Stop after SEC seconds")->check(positive_number);
    app->add_option("-F,--format", opts->format, "Output format: pcapng or pcap")
        ->check(CLI::IsMember({"pcapng", "pcap"}));
    app->add_option("--time-stamp-precision", opts->precision, "Timestamp precision: micro or nano")
        ->check(CLI::IsMember({"micro", "nano"}));
    app->add_flag("-q,--quiet", opts->quiet, "No status line");
    app->add_flag("-v,--verbose", opts->verbose, "With several sockets, a final line for each");
    app->add_flag("--print", opts->print, "A line per frame on standard output, also with -w FILE or into a pipe");
    app->add_flag("-l", opts->line_buffered, "Line-buffered standard output: each line reaches a pipe at once");
    app->add_flag("-x", opts->hex, "Each frame's bytes in hex under its line, after the Ethernet header (-xx: all)");
    app->add_flag("-X", opts->hex_ascii, "As -x, with ASCII beside the hex (-XX: from the first byte)");
    // tcpdump users type -n (or -nn) by habit; netring never resolves names.
    app->add_flag_function("-n", [](std::int64_t) {},
                           "Addresses and ports as numbers (always so; accepted for tcpdump's habit)");
    app->add_flag("-D,--list-interfaces", opts->list_interfaces,
                  "List the interfaces (numbered: -i takes the number too) and exit");
    app->add_option("filter", opts->filter_words, "libpcap filter expression");
    app->add_option("--backend", opts->backend, "Capture with packet (AF_PACKET) or xdp (AF_XDP)")
        ->check(CLI::IsMember({"packet", "xdp"}));
    app->add_option("--queue", opts->queue, "xdp: the interface RX queue captured (default 0)")
        ->transform(whole_number);
    app->add_option("--queues", opts->queues, "xdp: capture these RX queues (0-3, 0,2, all), a thread and socket each");
    app->add_option("--threads", opts->threads, "packet: N sockets in a PACKET_FANOUT group, a thread each")
        ->transform(whole_number)
        ->check(CLI::Range(1U, 64U));
    app->add_option("--fanout", opts->fanout, "packet: how --threads share frames: hash, lb, cpu, rollover, random, qm")
        ->check(CLI::IsMember({"hash", "lb", "cpu", "rollover", "random", "qm"}));
    app->add_flag("--unordered", opts->unordered, "Write several threads' frames as they come, not in time order");
    app->add_option("--reorder-window", opts->reorder_window_ms,
                    "How long (ms) frames wait for older ones from other threads (default 100)")
        ->check(positive_number)
        ->check(CLI::Range(1.0, 10000.0));
    app->add_flag("--zero-copy", opts->zero_copy, "xdp: try zero-copy, fall back to copy mode");
    app->add_option("--xdp-mode", opts->xdp_mode, "xdp: attach natively or generically (default: native if possible)")
        ->check(CLI::IsMember({"native", "generic"}));
    app->add_option("-Z,--relinquish-privileges", opts->user,
                    "Become USER (no capabilities) once the socket and output file are open");
    app->add_option("--xsk-map", opts->xsk_map, "xdp: join the XSKMAP pinned at PATH and load no XDP program")
        ->check(non_empty());
    RotationOptions &r = opts->rotation;
    app->add_option("-C,--file-size", r.file_size_mb, "Start a new file after MB millions of bytes")
        ->check(positive_number);
    app->add_option("-G,--rotate-seconds", r.rotate_seconds, "Start a new file every SEC seconds")
        ->transform(whole_number);  // tcpdump takes -G 0 (no rotation)
    app->add_option("-W,--file-count", r.file_count, "Keep the last N files with -C; stop after N files with -G")
        ->transform(counting_number);
    // One condition per -b, so that a filter expression may follow it.
    app->add_option("-b,--ring-buffer", r.ring,
                    "Rotate on filesize:KB, duration:SEC, interval:SEC or packets:N; keep files:N")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("-z,--postrotate-command", r.postrotate, "Run CMD FILE on each finished file");
    app->add_option("--stats-interval", r.stats_interval, "Write pcapng statistics every SEC seconds")
        ->check(positive_number);
    return Command{app, [opts] {
                       if (opts->snaplen == 0)
                           opts->snaplen = max_snaplen;
                       opts->interface = resolve_interface_argument(opts->interface);
                       // As tcpdump -l: before anything is written to stdout.
                       if (opts->line_buffered)
                           std::setvbuf(stdout, nullptr, _IOLBF, 0);
                       return run_capture(*opts);
                   }};
}

}  // namespace netring::cli
