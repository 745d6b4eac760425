// SPDX-License-Identifier: GPL-2.0-or-later
// Interval arithmetic of LinkMeter.
#include "netring/stats/link_meter.h"

#include <algorithm>

namespace netring::stats {

Rates rates_of(const LinkStats &delta, std::uint64_t elapsed_ns)
{
    Rates r;
    r.rx_pps = per_second(delta.rx_packets, elapsed_ns);
    r.rx_bps = bits_per_second(delta.rx_bytes, elapsed_ns);
    r.tx_pps = per_second(delta.tx_packets, elapsed_ns);
    r.tx_bps = bits_per_second(delta.tx_bytes, elapsed_ns);
    return r;
}

void LinkMeter::start(const LinkStats &sample, std::uint64_t mono_ns)
{
    *this = LinkMeter{};
    started_ = true;
    previous_ = sample;
    first_ns_ = mono_ns;
    last_ns_ = mono_ns;
}

LinkInterval LinkMeter::sample(const LinkStats &sample, std::uint64_t mono_ns)
{
    if (!started_) {
        start(sample, mono_ns);
        return {};
    }
    LinkInterval iv;
    // A clock that cannot go back still yields an empty, not a negative, interval.
    iv.elapsed_ns = mono_ns > last_ns_ ? mono_ns - last_ns_ : 0;
    std::array<CounterStep, link_counters.size()> steps{};
    for (std::size_t i = 0; i < link_counters.size(); ++i) {
        steps[i] = counter_step(previous_.*link_counters[i], sample.*link_counters[i]);
        iv.reset = iv.reset || steps[i].event == CounterEvent::reset;
    }
    // One device, one reset: a counter that went back beside one that reset
    // was reset too, though its drop looks like a 32-bit wrap (2.5 G bytes
    // down to 1,000 would otherwise count 1.3 G bytes, 10 Gbit/s, that never were).
    for (std::size_t i = 0; i < link_counters.size(); ++i) {
        const auto field = link_counters[i];
        const bool wrapped = steps[i].event == CounterEvent::wrapped32;
        const std::uint64_t delta = iv.reset && wrapped ? sample.*field : steps[i].delta;
        iv.delta.*field = delta;
        totals_.*field += delta;
        iv.wrapped = iv.wrapped || (wrapped && !iv.reset);
    }
    iv.rates = rates_of(iv.delta, iv.elapsed_ns);
    previous_ = sample;
    last_ns_ = std::max(last_ns_, mono_ns);
    ++intervals_;
    if (iv.reset)
        ++resets_;
    peak_.rx_pps = std::max(peak_.rx_pps, iv.rates.rx_pps);
    peak_.rx_bps = std::max(peak_.rx_bps, iv.rates.rx_bps);
    peak_.tx_pps = std::max(peak_.tx_pps, iv.rates.tx_pps);
    peak_.tx_bps = std::max(peak_.tx_bps, iv.rates.tx_bps);
    return iv;
}

}  // namespace netring::stats
