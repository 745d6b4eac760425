// SPDX-License-Identifier: GPL-2.0-or-later
// Histogram: fixed-memory percentiles of nanosecond values (timing errors, latency).
#pragma once

#include <array>
#include <cstdint>

namespace netring {

// Log-linear buckets: exact below 64 ns, then 32 linear steps per power of
// two (about 3% relative error) up to 2^40 ns. Recording is a few
// instructions and never allocates, so it can sit on a send path.
class Histogram {
public:
    void record(std::uint64_t v)
    {
        ++counts_[bucket(v)];
        ++count_;
        sum_ += v;
        if (v < min_)
            min_ = v;
        if (v > max_)
            max_ = v;
    }
    // Adds another histogram's samples (per-thread histograms into one report).
    void merge(const Histogram &other)
    {
        for (std::size_t i = 0; i < bucket_count; ++i)
            counts_[i] += other.counts_[i];
        count_ += other.count_;
        sum_ += other.sum_;
        if (other.min_ < min_)
            min_ = other.min_;
        if (other.max_ > max_)
            max_ = other.max_;
    }
    [[nodiscard]] std::uint64_t count() const { return count_; }
    [[nodiscard]] double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }
    [[nodiscard]] std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
    [[nodiscard]] std::uint64_t max() const { return max_; }
    // The smallest bucket value with at least q of the samples at or below it.
    [[nodiscard]] std::uint64_t percentile(double q) const;

private:
    static constexpr unsigned sub_bits = 5;
    static constexpr unsigned linear_limit = 64;
    static constexpr unsigned max_exp = 40;
    static constexpr std::size_t bucket_count = linear_limit + (max_exp - 6) * (1U << sub_bits);

    static std::size_t bucket(std::uint64_t v);
    static std::uint64_t bucket_value(std::size_t b);

    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t min_ = ~0ULL;
    std::uint64_t max_ = 0;
};

}  // namespace netring
