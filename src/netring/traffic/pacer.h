// SPDX-License-Identifier: GPL-2.0-or-later
// Pacing on an absolute schedule: frame k leaves at start + offset_k.
#pragma once

#include <cstdint>

namespace netring {

enum class PaceMode { original, pps, bitrate, top_speed };

struct PaceConfig {
    PaceMode mode = PaceMode::original;
    double multiplier = 1.0;     // original: gaps are divided by it (tcpreplay -x)
    double pps = 0;              // frames per second
    double bits_per_second = 0;  // on-wire payload bits (frame bytes * 8)
    // pps and bitrate: senders that share the rate (one per queue) each keep a
    // schedule; lane i of n sends frames i, n + i, 2n + i, ... of the whole,
    // so n lanes together send at the rate given, their frames interleaved.
    std::uint32_t lane = 0;
    std::uint32_t lanes = 1;
};

// Offsets are computed from the frame's own timestamp or from counts since
// the start, never from the previous send time, so a late frame does not
// make every later frame late too.
class Schedule {
public:
    explicit Schedule(PaceConfig config) : config_(config) {}

    // The offset from the start, in ns, at which the next frame is due.
    // Call once per frame, in order. ts_ns is the frame's capture time
    // (original timing); bytes its length (bit rate).
    std::uint64_t next(std::uint64_t ts_ns, std::uint32_t bytes);

    // Starts another file, or another pass over the same one: its timestamps
    // count from its own first frame, and offsets go on from the last frame
    // before it. Files captured days apart (or in reverse order) would
    // otherwise carry that distance into the schedule (tcpreplay restarts the
    // clock per file too).
    void new_file();

    [[nodiscard]] bool paced() const { return config_.mode != PaceMode::top_speed; }

private:
    PaceConfig config_;
    std::uint64_t frames_ = 0;
    std::uint64_t bytes_ = 0;
    bool have_first_ = false;
    std::uint64_t first_ts_ = 0;     // of the current file
    std::uint64_t file_base_ = 0;    // offset at which the current file starts
    std::uint64_t last_offset_ = 0;
};

// Waits until CLOCK_MONOTONIC reaches deadline_ns: sleeps while it is far,
// then spins for the last stretch, because a sleep's wake-up is late by tens
// of microseconds.
void wait_until(std::uint64_t deadline_ns);

// wait_until in slices, so that a stop (stop_requested) ends even a wait of
// minutes at once: false when asked to stop.
bool wait_or_stop(std::uint64_t deadline_ns);

}  // namespace netring
