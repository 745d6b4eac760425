// SPDX-License-Identifier: GPL-2.0-or-later
// Log-linear bucket arithmetic and percentile search of LatencyHistogram.
#include "netring/stats/latency.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace netring::stats {

LatencyHistogram::LatencyHistogram() : positive_(std::make_unique<Counts>()) {}

LatencyHistogram::LatencyHistogram(const LatencyHistogram &other)
    : positive_(std::make_unique<Counts>(*other.positive_)),
      negative_(other.negative_ ? std::make_unique<Counts>(*other.negative_) : nullptr),
      count_(other.count_), negative_count_(other.negative_count_), min_(other.min_), max_(other.max_)
{
}

LatencyHistogram &LatencyHistogram::operator=(const LatencyHistogram &other)
{
    if (this != &other)
        *this = LatencyHistogram(other);
    return *this;
}

std::uint64_t LatencyHistogram::bucket_low(std::size_t b)
{
    if (b < 128)
        return b;
    const std::size_t j = b - 128;
    const unsigned e = static_cast<unsigned>(j / 64) + 7;
    return (64 + j % 64) << (e - 6);
}

std::uint64_t LatencyHistogram::bucket_high(std::size_t b)
{
    if (b < 128)
        return b;
    const std::size_t j = b - 128;
    const unsigned e = static_cast<unsigned>(j / 64) + 7;
    // The top bucket ends at 2^64 - 1; computed so that it does not overflow.
    return bucket_low(b) + ((std::uint64_t{1} << (e - 6)) - 1);
}

void LatencyHistogram::record_negative(std::int64_t ns)
{
    if (!negative_)
        negative_ = std::make_unique<Counts>();
    // -(ns + 1) + 1 is |ns| even for INT64_MIN.
    ++(*negative_)[bucket_of(static_cast<std::uint64_t>(-(ns + 1)) + 1)];
    ++negative_count_;
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (other.count_ == 0)
        return;
    for (std::size_t b = 0; b < bucket_count; ++b)
        (*positive_)[b] += (*other.positive_)[b];
    if (other.negative_) {
        if (!negative_)
            negative_ = std::make_unique<Counts>();
        for (std::size_t b = 0; b < bucket_count; ++b)
            (*negative_)[b] += (*other.negative_)[b];
    }
    count_ += other.count_;
    negative_count_ += other.negative_count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

void LatencyHistogram::clear()
{
    positive_->fill(0);
    negative_.reset();
    count_ = 0;
    negative_count_ = 0;
    min_ = std::numeric_limits<std::int64_t>::max();
    max_ = std::numeric_limits<std::int64_t>::min();
}

std::uint64_t LatencyHistogram::magnitude_at(const Counts &counts, std::uint64_t rank, bool from_top)
{
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        const std::size_t b = from_top ? bucket_count - 1 - i : i;
        seen += counts[b];
        if (seen > rank)
            return bucket_low(b) + (bucket_high(b) - bucket_low(b)) / 2;
    }
    return 0;
}

std::int64_t LatencyHistogram::percentile(double p) const
{
    if (count_ == 0)
        return 0;
    const double want = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
    const std::uint64_t rank = std::min(std::max<std::uint64_t>(1, static_cast<std::uint64_t>(want)), count_) - 1;
    // The ends are known exactly; a bucket's midpoint is only near them.
    if (rank == 0)
        return min_;
    if (rank == count_ - 1)
        return max_;
    std::int64_t v = 0;
    if (rank < negative_count_) {
        // Ascending values start with the largest magnitudes of the negatives.
        const std::uint64_t m = magnitude_at(*negative_, rank, true);
        v = m >= std::uint64_t{1} << 63 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(m);
    } else {
        const std::uint64_t m = magnitude_at(*positive_, rank - negative_count_, false);
        v = m > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                ? std::numeric_limits<std::int64_t>::max()
                : static_cast<std::int64_t>(m);
    }
    return std::clamp(v, min_, max_);
}

}  // namespace netring::stats
