// SPDX-License-Identifier: GPL-2.0-or-later
// IsbCounters: the counters a capture's ISBs carry, one per IDB (socket).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "netring/capture/merged_source.h"
#include "netring/capture/source.h"
#include "netring/pcap/sink.h"

namespace netring::cli {

InterfaceCounters to_interface_counters(const SourceCounters &k, std::uint64_t start_ns, std::uint64_t delivered);

// With threads, the counters of an ISB written while frames come (a periodic
// one, or the one that closes a rotated file) must belong to one moment: the
// threads' own snapshots are up to 200 ms old, and beside live delivered
// counts they made ISBs count more frames delivered than their socket had
// accepted. So the writer notes what each thread has delivered, asks every
// thread to read its counters again, and once all have, keeps both, stamped
// with the moment it asked. One socket's counters are read live.
class IsbCounters {
public:
    IsbCounters(CaptureSource &source, MergedSource *merged, std::uint64_t start_ns)
        : source_(source), merged_(merged), start_ns_(start_ns)
    {
    }

    // The latest set that belongs to one moment: live with one socket; with
    // threads, the last set they answered (zeros at the start before that).
    // delivered: what the writer has taken, for one socket.
    [[nodiscard]] std::vector<InterfaceCounters> latest(std::uint64_t delivered) const;
    // Live, whatever the threads' snapshots: for the end, once the threads
    // have stopped and read their counters a last time.
    [[nodiscard]] std::vector<InterfaceCounters> live(std::uint64_t delivered) const;

    // Writer's loop, with threads: asks for a new set when none is pending
    // and `every_ns` has passed since the last request, or when `now` is
    // true. Returns true when a set came in (every thread answered, or a
    // second passed: a thread stuck in the kernel keeps its older counters).
    bool step(std::uint64_t now_mono, std::uint64_t every_ns, bool now = false);

private:
    CaptureSource &source_;
    MergedSource *merged_;
    std::uint64_t start_ns_;
    std::optional<std::vector<std::uint64_t>> asked_;  // per thread: delivered when the pending set was asked for
    std::uint64_t asked_mono_ = 0;
    std::uint64_t asked_real_ = 0;
    std::vector<InterfaceCounters> latest_;
};

}  // namespace netring::cli
