// SPDX-License-Identifier: GPL-2.0-or-later
// Bucket arithmetic of the log-linear histogram.
#include "netring/base/histogram.h"

#include <bit>
#include <cmath>

namespace netring {

std::size_t Histogram::bucket(std::uint64_t v)
{
    if (v < linear_limit)
        return static_cast<std::size_t>(v);
    const unsigned exp = static_cast<unsigned>(std::bit_width(v)) - 1;  // >= 6
    if (exp >= max_exp)
        return bucket_count - 1;
    const std::uint64_t sub = (v >> (exp - sub_bits)) & ((1U << sub_bits) - 1);
    return linear_limit + (exp - 6) * (1U << sub_bits) + static_cast<std::size_t>(sub);
}

std::uint64_t Histogram::bucket_value(std::size_t b)
{
    if (b < linear_limit)
        return b;
    const std::size_t rel = b - linear_limit;
    const unsigned exp = static_cast<unsigned>(rel >> sub_bits) + 6;
    const std::uint64_t sub = rel & ((1U << sub_bits) - 1);
    // The upper edge of the bucket, so a percentile never understates.
    return ((std::uint64_t{1} << sub_bits) + sub + 1) << (exp - sub_bits);
}

std::uint64_t Histogram::percentile(double q) const
{
    if (count_ == 0)
        return 0;
    const auto target = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < bucket_count; ++b) {
        seen += counts_[b];
        if (seen >= target && counts_[b] != 0) {
            const std::uint64_t v = bucket_value(b);
            return v > max_ ? max_ : v;
        }
    }
    return max_;
}

}  // namespace netring
