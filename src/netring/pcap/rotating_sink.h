// SPDX-License-Identifier: GPL-2.0-or-later
// RotatingSink: a FrameSink that spreads a capture over complete, renamed files.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "netring/pcap/output.h"
#include "netring/pcap/pcapng_writer.h"
#include "netring/pcap/rotation_policy.h"
#include "netring/pcap/sink.h"

namespace netring {

// One file's writer, as the factory made it.
struct RotatedWriter {
    std::unique_ptr<FrameSink> sink;
    Output *output = nullptr;        // inside sink: how many bytes the file holds
    PcapngWriter *pcapng = nullptr;  // inside sink, for periodic ISBs; null for pcap
};

struct RotatingSinkOptions {
    std::string path;  // -w: the prefix (or strftime pattern) of the names
    RotationPolicy policy;
    // Writes the file headers (SHB+IDB or the pcap header) into out.
    std::function<Result<RotatedWriter>(Output out)> make_writer;
    // The capture's cumulative counters now, one per interface: each file's closing ISBs.
    std::function<std::vector<InterfaceCounters>()> counters;
    // Called with each finished file's final name (-z).
    std::function<void(const std::string &)> file_done;
};

// Each file is written as NAME.part, gets its closing ISB and is renamed to
// NAME only when complete, so whoever sees NAME sees a whole file; a file cut
// short by a failed write keeps its whole records and is renamed as well.
// A frame is never split: limits are checked before each frame, and a file
// that has reached one is closed before the frame goes to the next file.
class RotatingSink final : public FrameSink {
public:
    static Result<std::unique_ptr<RotatingSink>> open(RotatingSinkOptions options, std::uint64_t now_ns);
    ~RotatingSink() override;
    RotatingSink(const RotatingSink &) = delete;
    RotatingSink &operator=(const RotatingSink &) = delete;

    Status write(const Frame &frame) override;
    Status flush() override;
    Status finish(std::span<const InterfaceCounters> counters) override;
    [[nodiscard]] std::uint64_t frames_written() const override;
    [[nodiscard]] std::uint64_t bytes_written() const override;

    // Time limits end files even when no frame comes: call from the capture loop.
    Status tick(std::uint64_t now_ns);
    // An ISB into the current file now, flushed (--stats-interval).
    Status write_statistics(std::uint64_t now_ns);
    // -W N with -G: the Nth file has ended and no more are written.
    [[nodiscard]] bool exhausted() const { return exhausted_; }
    [[nodiscard]] std::uint64_t files_started() const { return index_; }
    // The file being written passes to uid:gid, who writes the later ones
    // (-Z): only its owner may rename it in a sticky directory such as /tmp.
    Status give_current_to(uid_t uid, gid_t gid) { return current_.output->give_to(uid, gid); }
    // The capture stopped at stop_ns (realtime): frames read after it (the
    // last look at the ring) are judged by time limits as of stop_ns, so
    // those stamped after the stop join the last file rather than open a
    // file the capture never reached (-G 2 --duration 4 makes two files).
    void stopped_at(std::uint64_t stop_ns) { stop_ns_ = stop_ns; }

private:
    explicit RotatingSink(RotatingSinkOptions options) : o_(std::move(options)) {}
    Status open_file(std::uint64_t now_ns);
    Status close_file(std::span<const InterfaceCounters> counters);
    Status rotate(std::uint64_t now_ns);
    Status fail(const Error &e);
    [[nodiscard]] FileProgress progress() const;
    [[nodiscard]] std::vector<InterfaceCounters> current_counters() const;

    RotatingSinkOptions o_;
    RotatedWriter current_;
    std::string name_;  // final name of the current file
    std::uint64_t index_ = 0;
    std::uint64_t file_frames_ = 0;
    std::uint64_t deadline_ns_ = 0;
    std::uint64_t stop_ns_ = 0;  // 0: still capturing
    std::uint64_t done_frames_ = 0;  // in files already closed
    std::uint64_t done_bytes_ = 0;   // of files already closed
    std::deque<std::string> finished_;
    std::optional<Error> failed_;
    bool exhausted_ = false;
};

}  // namespace netring
