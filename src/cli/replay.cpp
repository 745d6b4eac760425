// SPDX-License-Identifier: GPL-2.0-or-later
// `netring replay`: the frames of capture files, sent out of an interface on schedule.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "carrier_watch.h"
#include "command.h"
#include "errors.h"
#include "number_checks.h"
#include "status_line.h"
#include "tx_backend.h"
#include "tx_report.h"
#include "netring/base/clock.h"
#include "netring/base/interface.h"
#include "netring/base/stop_signal.h"
#include "netring/pcap/file_reader.h"
#include "netring/traffic/pacer.h"
#include "netring/traffic/placer.h"

namespace netring::cli {

namespace {

struct ReplayOptions {
    std::string interface;
    std::vector<std::string> files;
    TxBackendOptions backend;
    double multiplier = 0;
    double pps = 0;
    double mbps = 0;
    bool top_speed = false;
    std::uint64_t loops = 1;
    std::uint64_t limit = 0;
    double duration = 0;
    bool preload = false;
    std::string oversize = "skip";
    std::string snapped = "skip";
    bool json = false;
    bool quiet = false;
};

// The frames of all files in memory (-K), so that reading costs nothing
// while sending.
struct Preloaded {
    struct Entry {
        std::size_t offset;
        std::uint32_t caplen;
        std::uint32_t wirelen;
        std::uint64_t ts_ns;
    };
    std::vector<std::uint8_t> bytes;
    std::vector<Entry> frames;
    // The index of each file's first frame, in the order of the files.
    std::vector<std::size_t> file_starts;
    // What stopped the reading: the frames before it are sent all the same,
    // once, as a replay without -K sends them.
    std::optional<Error> damage;
    // With a FramePlacer (xdp backend): each frame's placed index, so that
    // sending it copies nothing.
    std::vector<std::uint32_t> placed;
};

constexpr std::uint32_t not_placed = UINT32_MAX;

// Why a frame was not sent; every one is counted and reported.
struct Skips {
    std::uint64_t oversize = 0;
    std::uint64_t snapped = 0;
    std::uint64_t runt = 0;
    std::uint64_t truncated = 0;  // sent, but cut to the MTU
};

// A VLAN-tagged frame may carry a full MTU behind its tag; an AF_PACKET
// TX ring allows that for 802.1Q (0x8100) only, and marks an 802.1ad frame
// of that size TP_STATUS_WRONG_FORMAT, which stops the ring.
std::uint32_t link_limit(const std::uint8_t *data, std::uint32_t len, unsigned mtu, bool qinq_tag_fits)
{
    const bool dot1q = len >= 14 && data[12] == 0x81 && data[13] == 0x00;
    const bool dot1ad = len >= 14 && data[12] == 0x88 && data[13] == 0xa8;
    return mtu + 14 + (dot1q || (dot1ad && qinq_tag_fits) ? 4 : 0);
}

class Replayer {
public:
    Replayer(const ReplayOptions &o, FrameSender &sender, unsigned mtu, PaceConfig pace)
        : o_(o), sender_(sender), placer_(dynamic_cast<FramePlacer *>(&sender)), mtu_(mtu),
          qinq_tag_fits_(o.backend.backend != "packet"),
          duration_ns_(o.duration > 0 ? static_cast<std::uint64_t>(o.duration * 1e9) : 0), schedule_(pace),
          status_(!o.quiet && !o.json), carrier_(o.interface, status_)
    {
    }

    // Sends one frame under the skip/truncate rules and the schedule; false
    // to stop (limit, duration, signal, or a fatal error in error_).
    bool send(const Frame &f, std::uint32_t placed = not_placed);
    // Before the first frame of each file, in every loop.
    void begin_file(const std::string &path)
    {
        schedule_.new_file();
        file_ = &path;
        file_frame_ = 0;
    }
    Status finish();

    std::optional<Error> error_;
    Skips skips_;
    TxTotals totals_;
    Histogram timing_;
    Schedule &schedule() { return schedule_; }
    // Queued frames left in the ring when a signal cut the final wait short.
    [[nodiscard]] std::uint64_t unsent() const { return unsent_; }
    void start()
    {
        start_ns_ = monotonic_ns();
        carrier_.check(start_ns_);
    }
    [[nodiscard]] std::uint64_t start_ns() const { return start_ns_; }

private:
    bool wait_paced(std::uint64_t due);
    void show_status(std::uint64_t now);

    const ReplayOptions &o_;
    FrameSender &sender_;
    FramePlacer *placer_;
    unsigned mtu_;
    bool qinq_tag_fits_;        // see link_limit()
    std::uint64_t duration_ns_;  // --duration; 0: none
    Schedule schedule_;
    StatusLine status_;
    CarrierWatch carrier_;  // after status_, which it clears
    std::uint64_t start_ns_ = 0;
    std::uint64_t handled_ = 0;
    std::uint64_t since_kick_ = 0;
    std::uint64_t unsent_ = 0;
    // For errors, which name a frame as damaged-file errors do: its file
    // and its number there.
    const std::string *file_ = nullptr;
    std::uint64_t file_frame_ = 0;
};

bool Replayer::send(const Frame &f, std::uint32_t placed)
{
    if (stop_requested() != 0)
        return false;
    if (o_.limit != 0 && handled_ >= o_.limit)
        return false;
    // At top speed a clock read costs a few percent of a frame (AF_XDP -K
    // sends one in about a microsecond): read it every 64 frames, which
    // overshoots --duration by at most that many.
    std::uint64_t now = 0;
    if (schedule_.paced() || (handled_ & 63) == 0) {
        now = monotonic_ns();
        if (duration_ns_ != 0 && now - start_ns_ >= duration_ns_)
            return false;
    }
    ++handled_;
    ++file_frame_;

    std::uint32_t len = f.caplen;
    if (f.caplen < f.wirelen && o_.snapped == "skip") {
        ++skips_.snapped;
        return true;
    }
    if (len < 14) {
        ++skips_.runt;
        return true;
    }
    const std::uint32_t link = link_limit(f.data, len, mtu_, qinq_tag_fits_);
    const std::uint32_t limit = std::min(link, sender_.max_frame());
    if (len > limit) {
        if (o_.oversize == "fail") {
            const std::string room = limit < link ? fmt::format("a TX slot holds ({} bytes)", limit)
                                                  : fmt::format("{} allows (MTU {})", o_.interface, mtu_);
            error_ = Error::explained(EMSGSIZE, fmt::format("{}: frame {} is {} bytes, more than {}; --oversize "
                                                            "truncate or skip sends the rest",
                                                            file_ != nullptr ? *file_ : "?", file_frame_, len, room))
                         .needing(Privilege::stated);
            return false;
        }
        if (o_.oversize == "skip") {
            ++skips_.oversize;
            return true;
        }
        ++skips_.truncated;
        len = limit;
    }

    const std::uint64_t due = start_ns_ + schedule_.next(f.ts_ns, len);
    if (schedule_.paced()) {
        // A frame due after --duration is not sent, nor waited for; a signal
        // ends even a long wait (a capture with a gap of minutes).
        if (duration_ns_ != 0 && due >= start_ns_ + duration_ns_)
            return false;
        if (!wait_paced(due))
            return false;
    }
    while (placed != not_placed ? !placer_->queue_placed(placed, len) : !sender_.queue(f.data, len)) {
        // Every slot is in flight: push them out and collect completions.
        if (auto st = sender_.kick(); !st) {
            error_ = st.error();
            return false;
        }
        if (sender_.reap() == 0 && stop_requested() != 0)
            return false;
    }
    ++totals_.queued;
    if (schedule_.paced()) {
        now = monotonic_ns();
        timing_.record(now > due ? now - due : due - now);
    }
    if (schedule_.paced() || ++since_kick_ >= 64) {
        since_kick_ = 0;
        if (auto st = sender_.kick(); !st) {
            error_ = st.error();
            return false;
        }
        sender_.reap();
    }
    // Paced, the clock is read for every frame anyway; at top speed only for
    // every 64th, so the line is looked at every 256th.
    if (schedule_.paced() || (handled_ & 255) == 1)
        show_status(now);
    return true;
}

// wait_or_stop in steps of at most a second, so that the status line goes
// on through a long gap (-p 0.1, or minutes between two frames).
bool Replayer::wait_paced(std::uint64_t due)
{
    for (;;) {
        const std::uint64_t step = monotonic_ns() + 1'000'000'000ULL;
        if (due <= step)
            return wait_or_stop(due);
        if (!wait_or_stop(step))
            return false;
        sender_.reap();
        show_status(monotonic_ns());
    }
}

void Replayer::show_status(std::uint64_t now)
{
    carrier_.check(now);
    if (status_.due(now))
        status_.update(now, fmt::format("{} frames sent, {} queued", sender_.completed(), totals_.queued));
}

Status Replayer::finish()
{
    status_.clear();
    // After a signal the ring gets the two seconds the man page promises. At
    // a normal end the wait goes on while frames keep leaving: a shaped link
    // takes long to drain a full ring, and that is no failure.
    const bool signalled = stop_requested() != 0;
    Status st = sender_.flush(2000, signalled ? 2000 : 0);
    totals_.completed = sender_.completed();
    totals_.bytes = sender_.completed_bytes();
    totals_.elapsed_ns = monotonic_ns() - start_ns_;
    // Stopped by a signal (before the wait or during it): the frames left
    // in the ring are reported as not sent; a failed send is still an error.
    if (!st && stop_requested() != 0 && (st.error().code == ETIMEDOUT || st.error().code == EINTR)) {
        unsent_ = totals_.queued > totals_.completed ? totals_.queued - totals_.completed : 0;
        return {};
    }
    return st;
}

// Inputs the check kept open, by file index: a pipe, a FIFO or stdin, which
// cannot be opened again.
using KeptReaders = std::vector<std::optional<FileReader>>;

// The reader the check kept for file k (once), or the file opened again.
Result<FileReader> take_or_open(KeptReaders &kept, std::size_t k, const std::string &path)
{
    if (k < kept.size() && kept[k]) {
        FileReader r = std::move(*kept[k]);
        kept[k].reset();
        return r;
    }
    return FileReader::open(path);
}

Preloaded preload(const std::vector<std::string> &files, KeptReaders &kept)
{
    Preloaded p;
    for (std::size_t k = 0; k < files.size(); ++k) {
        auto reader = take_or_open(kept, k, files[k]);
        if (!reader) {
            p.damage = reader.error();
            return p;
        }
        p.file_starts.push_back(p.frames.size());
        Frame f;
        for (;;) {
            auto got = reader->next(f);
            if (!got) {
                p.damage = got.error();
                return p;
            }
            if (!got.value())
                break;
            p.frames.push_back({p.bytes.size(), f.caplen, f.wirelen, f.ts_ns});
            p.bytes.insert(p.bytes.end(), f.data, f.data + f.caplen);
        }
    }
    return p;
}

// Puts every preloaded frame into the sender's own memory once (AF_XDP:
// a UMEM chunk each), cut to what the sender can send at all; all or none,
// so that a frame is never sent from two places.
void place_frames(Preloaded &p, FrameSender &sender)
{
    auto *placer = dynamic_cast<FramePlacer *>(&sender);
    if (placer == nullptr)
        return;
    if (placer->place_capacity() < p.frames.size()) {
        if (placer->place_capacity() != 0)
            spdlog::warn("-K: room for {} of {} frames in the sender's memory; copying each frame as it is sent",
                         placer->place_capacity(), p.frames.size());
        return;
    }
    p.placed.assign(p.frames.size(), not_placed);
    for (std::size_t i = 0; i < p.frames.size(); ++i) {
        const auto &e = p.frames[i];
        const std::uint32_t len = std::min(e.caplen, sender.max_frame());
        if (len == 0)
            continue;  // skipped as a runt anyway
        if (auto idx = placer->place(p.bytes.data() + e.offset, len))
            p.placed[i] = *idx;
    }
    spdlog::info("-K: {} frames placed in the sender's memory", p.frames.size());
}

// Every file is opened and checked before anything is sent: readable, a
// capture, Ethernet. An empty file among others is only worth a warning;
// nothing at all to send is an error. An input that cannot be read twice
// (pipe, FIFO, stdin) is kept open in `kept`, its first frame unread, for
// the send to go on with; one that would have to be read again (-l without
// -K) is refused.
std::optional<int> check_files(const ReplayOptions &o, KeptReaders &kept)
{
    const std::vector<std::string> &files = o.files;
    if (std::count(files.begin(), files.end(), "-") > 1)
        return usage("replay", "'-' (standard input) is given more than once; it can be read only once");
    kept.resize(files.size());
    // Warned about only once every file passed, so that a refusal stays one line.
    std::vector<std::string> empty;
    for (std::size_t k = 0; k < files.size(); ++k) {
        const std::string &path = files[k];
        auto reader = FileReader::open(path);
        if (!reader) {
            // A 0-byte file: nothing to send, or, among others, one to leave out.
            if (reader.error().code == ENODATA)
                return usage("replay", fmt::format("{}: {}", reader.error().message(),
                                                   files.size() == 1 ? "nothing to replay" : "leave it out"));
            return usage("replay", reader.error().message());
        }
        if (reader->linktype() != DLT_EN10MB) {
            // linktype_name() says "link type N" itself when libpcap has no name for it.
            const std::string name = reader->linktype_name();
            return usage("replay", fmt::format("{}: {}{} cannot be sent on Ethernet; only EN10MB files can", path,
                                               name.starts_with("link type") ? "" : "link type ", name));
        }
        Frame f;
        auto first = reader->next(f);
        if (!first)
            return usage("replay", first.error().message());
        if (!first.value())
            empty.push_back(path);
        if (reader->rereadable())
            continue;
        if (o.loops != 1 && !o.preload)
            return usage("replay", fmt::format("{}: {} can be read only once, and -l {} sends the files {}; save it "
                                               "to a file first, or add -K to send it from memory",
                                               path, path == "-" ? "standard input" : "a pipe or FIFO", o.loops,
                                               o.loops == 0 ? "until stopped" : fmt::format("{} times", o.loops)));
        if (first.value())
            reader->unread();
        kept[k] = std::move(reader.value());
    }
    if (empty.size() == files.size())
        return usage("replay", files.size() == 1 ? fmt::format("{}: holds no frames", files.front())
                                                 : std::string("none of the files holds a frame"));
    for (const std::string &path : empty)
        spdlog::warn("{}: holds no frames", path);
    return std::nullopt;
}

std::optional<PaceConfig> pace_of(const ReplayOptions &o, std::string &problem)
{
    const int modes = (o.multiplier > 0) + (o.pps > 0) + (o.mbps > 0) + (o.top_speed ? 1 : 0);
    if (modes > 1) {
        problem = "choose one of -x, -p, -M and -t";
        return std::nullopt;
    }
    PaceConfig c;
    if (o.top_speed)
        c.mode = PaceMode::top_speed;
    else if (o.pps > 0) {
        c.mode = PaceMode::pps;
        c.pps = o.pps;
    } else if (o.mbps > 0) {
        c.mode = PaceMode::bitrate;
        c.bits_per_second = o.mbps * 1e6;
    } else {
        c.mode = PaceMode::original;
        c.multiplier = o.multiplier > 0 ? o.multiplier : 1.0;
    }
    return c;
}

int run_replay(const ReplayOptions &o)
{
    if (o.interface.empty())
        return usage("replay", fmt::format("-i IFACE is required (interfaces here: {})",
                                           fmt::join(interface_names(), ", ")));
    std::string problem;
    const auto pace = pace_of(o, problem);
    if (!pace)
        return usage("replay", problem);
    KeptReaders kept;
    if (auto bad = check_files(o, kept))
        return *bad;
    std::optional<Preloaded> loaded;
    if (o.preload)
        loaded = preload(o.files, kept);
    auto info = lookup_interface(o.interface);
    if (!info)
        return report("replay", info.error());
    TxBackendOptions backend = o.backend;
    if (loaded)
        backend.place_frames = loaded->frames.size();
    auto sender = open_tx_backend(o.interface, backend);
    if (!sender)
        return report("replay", sender.error());
    if (loaded)
        place_frames(*loaded, *sender.value());

    install_stop_handlers();
    Replayer r(o, *sender.value(), info->mtu, *pace);
    r.start();
    bool going = true;
    std::optional<Error> file_error;
    for (std::uint64_t loop = 0; going && (o.loops == 0 || loop < o.loops) && !file_error; ++loop) {
        if (loaded) {
            std::size_t next_file = 0;
            for (std::size_t i = 0; i < loaded->frames.size(); ++i) {
                // A while: empty files start where the next one does.
                while (next_file < loaded->file_starts.size() && loaded->file_starts[next_file] == i) {
                    r.begin_file(o.files[next_file]);
                    ++next_file;
                }
                const auto &e = loaded->frames[i];
                Frame f;
                f.data = loaded->bytes.data() + e.offset;
                f.caplen = e.caplen;
                f.wirelen = e.wirelen;
                f.ts_ns = e.ts_ns;
                if (!(going = r.send(f, loaded->placed.empty() ? not_placed : loaded->placed[i])))
                    break;
            }
            file_error = loaded->damage;
        } else {
            for (std::size_t k = 0; k < o.files.size(); ++k) {
                const std::string &path = o.files[k];
                auto reader = take_or_open(kept, k, path);
                if (!reader) {
                    file_error = reader.error();
                    break;
                }
                r.begin_file(path);
                Frame f;
                for (;;) {
                    auto got = reader->next(f);
                    if (!got) {
                        file_error = got.error();
                        break;
                    }
                    if (!got.value() || !(going = r.send(f)))
                        break;
                }
                if (!going || file_error)
                    break;
            }
        }
        if (loaded && loaded->frames.empty())
            break;
    }
    const Status flushed = r.finish();
    print_tx_report("replay", r.totals_, r.schedule().paced() ? &r.timing_ : nullptr,
                    {{"oversize", r.skips_.oversize}, {"snapped", r.skips_.snapped}, {"runt", r.skips_.runt}},
                    r.skips_.truncated, o.json);
    if (r.unsent() != 0 && !o.json)
        eprint("netring replay: {} queued frames not sent: stopped by a signal before they left\n", r.unsent());
    const int written = finish_stdout("replay");
    if (r.error_)
        return report("replay", *r.error_);
    if (file_error)
        return report("replay", *file_error);
    if (!flushed)
        return report("replay", flushed.error());
    return written;
}

}  // namespace

Command register_replay(CLI::App &parent)
{
    auto o = std::make_shared<ReplayOptions>();
    CLI::App *app = parent.add_subcommand("replay", "Send the frames of pcap/pcapng files out of an interface");
    app->add_option("-i,--interface", o->interface, "Interface to send on");
    // '-' is standard input, as for tcpreplay and tcpdump -r.
    const CLI::Validator file_or_stdin(
        [](std::string &path) { return path == "-" ? std::string() : CLI::ExistingFile(path); }, "FILE or -");
    app->add_option("files", o->files, "pcap or pcapng files, sent in order ('-': standard input)")
        ->required()
        ->check(file_or_stdin);
    add_tx_backend_options(*app, o->backend);
    app->add_option("-x,--multiplier", o->multiplier, "Original timing, gaps divided by MULT")
        ->check(positive_number);
    app->add_option("-p,--pps", o->pps, "Frames per second")->check(positive_number);
    app->add_option("-M,--mbps", o->mbps, "Megabits per second")->check(positive_number);
    app->add_flag("-t,--topspeed", o->top_speed, "As fast as possible");
    app->add_option("-l,--loop", o->loops, "Send the files LOOPS times (0: until stopped)")->transform(whole_number);
    app->add_option("-L,--limit", o->limit, "Stop after LIMIT frames")->transform(counting_number);
    app->add_option("--duration", o->duration, "Stop after SEC seconds")->check(positive_number);
    app->add_flag("-K,--preload", o->preload, "Read the files into memory before sending");
    app->add_option("--oversize", o->oversize, "Frames over the MTU: skip, truncate or fail")
        ->check(CLI::IsMember({"skip", "truncate", "fail"}));
    app->add_option("--snapped", o->snapped, "Frames cut at capture time: send or skip")
        ->check(CLI::IsMember({"send", "skip"}));
    app->add_flag("--json", o->json, "Print the report as one JSON object on stdout");
    app->add_flag("-q,--quiet", o->quiet, "No status line");
    return Command{app, [o] { return run_replay(*o); }};
}

}  // namespace netring::cli
