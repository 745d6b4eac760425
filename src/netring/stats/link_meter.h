// SPDX-License-Identifier: GPL-2.0-or-later
// LinkMeter: interval deltas, rates, totals and peaks from successive interface counter samples.
#pragma once

#include <array>
#include <cstdint>

#include "netring/base/link_stats.h"
#include "netring/stats/counter.h"

namespace netring::stats {

// Every LinkStats counter, so deltas and totals treat them alike.
inline constexpr std::array<std::uint64_t LinkStats::*, 9> link_counters = {
    &LinkStats::rx_packets, &LinkStats::tx_packets, &LinkStats::rx_bytes,
    &LinkStats::tx_bytes,   &LinkStats::rx_errors,  &LinkStats::tx_errors,
    &LinkStats::rx_dropped, &LinkStats::tx_dropped, &LinkStats::rx_missed,
};

struct Rates {
    double rx_pps = 0;
    double rx_bps = 0;
    double tx_pps = 0;
    double tx_bps = 0;
};

Rates rates_of(const LinkStats &delta, std::uint64_t elapsed_ns);

// One interval between two samples.
struct LinkInterval {
    std::uint64_t elapsed_ns = 0;  // real time between the two samples
    LinkStats delta;               // what each counter advanced
    Rates rates;                   // delta over elapsed_ns
    bool wrapped = false;          // some counter wrapped at 32 bits
    bool reset = false;            // some counter went back (see counter_step)
};

class LinkMeter {
public:
    // The first sample: the zero point of totals. mono_ns is CLOCK_MONOTONIC
    // at the time the counters were read.
    void start(const LinkStats &sample, std::uint64_t mono_ns);

    // The interval since the previous sample; updates totals and peaks.
    LinkInterval sample(const LinkStats &sample, std::uint64_t mono_ns);

    [[nodiscard]] bool started() const { return started_; }
    [[nodiscard]] const LinkStats &totals() const { return totals_; }
    [[nodiscard]] std::uint64_t elapsed_ns() const { return last_ns_ - first_ns_; }
    [[nodiscard]] std::uint64_t intervals() const { return intervals_; }
    [[nodiscard]] std::uint64_t resets() const { return resets_; }
    // Totals over the whole elapsed time.
    [[nodiscard]] Rates average() const { return rates_of(totals_, elapsed_ns()); }
    // The highest rate of any single interval, each field on its own.
    [[nodiscard]] const Rates &peak() const { return peak_; }

private:
    bool started_ = false;
    LinkStats previous_{};
    LinkStats totals_{};
    std::uint64_t first_ns_ = 0;
    std::uint64_t last_ns_ = 0;
    std::uint64_t intervals_ = 0;
    std::uint64_t resets_ = 0;
    Rates peak_{};
};

}  // namespace netring::stats
