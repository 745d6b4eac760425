// SPDX-License-Identifier: GPL-2.0-or-later
// Histogram percentiles stay within the bucket error of the exact ones.
#include <algorithm>
#include <random>
#include <vector>

#include "catch.h"
#include "netring/base/histogram.h"

using netring::Histogram;

TEST_CASE("small values are exact")
{
    Histogram h;
    for (std::uint64_t v = 0; v < 64; ++v)
        h.record(v);
    CHECK(h.count() == 64);
    CHECK(h.min() == 0);
    CHECK(h.max() == 63);
    CHECK(h.percentile(0.5) == 31);
    CHECK(h.mean() == Approx(31.5));
}

TEST_CASE("percentiles of a wide distribution are within 4% and never below the truth")
{
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> dist(10.0, 2.0);
    std::vector<std::uint64_t> values;
    Histogram h;
    for (int i = 0; i < 100000; ++i) {
        const auto v = static_cast<std::uint64_t>(dist(rng));
        values.push_back(v);
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const std::uint64_t exact = values[static_cast<std::size_t>(q * static_cast<double>(values.size())) - 1];
        const std::uint64_t approx = h.percentile(q);
        CHECK(approx >= exact);
        CHECK(static_cast<double>(approx) <= static_cast<double>(exact) * 1.04 + 1);
    }
    CHECK(h.percentile(1.0) == values.back());
}

TEST_CASE("an empty histogram reports zeros")
{
    Histogram h;
    CHECK(h.percentile(0.99) == 0);
    CHECK(h.mean() == 0);
    CHECK(h.min() == 0);
}
