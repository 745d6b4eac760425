// SPDX-License-Identifier: GPL-2.0-or-later
// LatencyHistogram: min, max and percentiles of signed nanosecond latencies in fixed memory.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>

namespace netring::stats {

// One-way latency is receive time minus send time, which comes out negative
// when two hosts' clocks disagree; so negatives are kept too (their
// magnitudes in a second histogram made on first use). Buckets are exact
// below 128 ns, then 64 per power of two: percentiles are within 1/64
// (1.6%) of the true value and never outside [min, max]; min and max exact.
class LatencyHistogram {
public:
    LatencyHistogram();
    LatencyHistogram(const LatencyHistogram &other);
    LatencyHistogram &operator=(const LatencyHistogram &other);
    LatencyHistogram(LatencyHistogram &&) noexcept = default;
    LatencyHistogram &operator=(LatencyHistogram &&) noexcept = default;
    ~LatencyHistogram() = default;

    // Inline: it runs once per stamped frame.
    void record(std::int64_t ns)
    {
        if (ns >= 0) [[likely]]
            ++(*positive_)[bucket_of(static_cast<std::uint64_t>(ns))];
        else
            record_negative(ns);
        ++count_;
        min_ = ns < min_ ? ns : min_;
        max_ = ns > max_ ? ns : max_;
    }
    // Adds every sample of other, as if each had been recorded here.
    void merge(const LatencyHistogram &other);
    void clear();

    [[nodiscard]] std::uint64_t count() const { return count_; }
    [[nodiscard]] std::int64_t min() const { return count_ == 0 ? 0 : min_; }
    [[nodiscard]] std::int64_t max() const { return count_ == 0 ? 0 : max_; }
    // Nearest rank: the smallest recorded value v with at least p% of the
    // samples <= v (p in (0, 100]), as its bucket's midpoint clamped to
    // [min, max]. 0 without samples.
    [[nodiscard]] std::int64_t percentile(double p) const;

    static constexpr std::size_t bucket_count = 128 + 57 * 64;
    static std::size_t bucket_of(std::uint64_t v)
    {
        if (v < 128)
            return static_cast<std::size_t>(v);
        const unsigned e = static_cast<unsigned>(std::bit_width(v)) - 1;  // 7..63
        const std::uint64_t m = v >> (e - 6);                              // 64..127
        return 128 + (e - 7) * 64 + static_cast<std::size_t>(m - 64);
    }
    static std::uint64_t bucket_low(std::size_t b);
    static std::uint64_t bucket_high(std::size_t b);

private:
    using Counts = std::array<std::uint64_t, bucket_count>;
    void record_negative(std::int64_t ns);
    // The magnitude of the value of rank `rank` (0-based) in `counts`.
    static std::uint64_t magnitude_at(const Counts &counts, std::uint64_t rank, bool from_top);

    std::unique_ptr<Counts> positive_;  // values >= 0
    std::unique_ptr<Counts> negative_;  // magnitudes of values < 0
    std::uint64_t count_ = 0;
    std::uint64_t negative_count_ = 0;
    std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
    std::int64_t max_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace netring::stats
