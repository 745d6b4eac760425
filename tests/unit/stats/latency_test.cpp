// SPDX-License-Identifier: GPL-2.0-or-later
// LatencyHistogram: exact small values, bounded error for large ones, negatives, extremes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "catch.h"
#include "netring/stats/latency.h"

using netring::stats::LatencyHistogram;

namespace {

// Nearest rank of sorted values: the ceil(p/100 * n)-th smallest.
std::int64_t exact_percentile(std::vector<std::int64_t> v, double p)
{
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::max<std::size_t>(rank, 1) - 1];
}

}  // namespace

TEST_CASE("an empty histogram says 0")
{
    LatencyHistogram h;
    CHECK(h.count() == 0);
    CHECK(h.min() == 0);
    CHECK(h.max() == 0);
    CHECK(h.percentile(50) == 0);
}

TEST_CASE("values below 128 ns are exact")
{
    LatencyHistogram h;
    for (int v = 100; v >= 1; --v)
        h.record(v);
    CHECK(h.count() == 100);
    CHECK(h.min() == 1);
    CHECK(h.max() == 100);
    CHECK(h.percentile(50) == 50);
    CHECK(h.percentile(99) == 99);
    CHECK(h.percentile(100) == 100);
    CHECK(h.percentile(1) == 1);
}

TEST_CASE("large values are within 1/64 of the exact percentile, min and max exact")
{
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> dist(std::log(20000.0), 1.5);
    std::vector<std::int64_t> values;
    LatencyHistogram h;
    for (int i = 0; i < 20000; ++i) {
        const auto v = static_cast<std::int64_t>(dist(rng));
        values.push_back(v);
        h.record(v);
    }
    CHECK(h.min() == *std::min_element(values.begin(), values.end()));
    CHECK(h.max() == *std::max_element(values.begin(), values.end()));
    for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9}) {
        const auto exact = static_cast<double>(exact_percentile(values, p));
        const auto got = static_cast<double>(h.percentile(p));
        INFO("p" << p << " exact " << exact << " got " << got);
        CHECK(std::fabs(got - exact) <= exact / 64.0 + 1);
    }
}

TEST_CASE("negative latencies (clocks that disagree) sort below the positive ones")
{
    LatencyHistogram h;
    std::vector<std::int64_t> values;
    for (std::int64_t v = -50; v < 50; ++v) {
        h.record(v * 1000);
        values.push_back(v * 1000);
    }
    CHECK(h.min() == -50000);
    CHECK(h.max() == 49000);
    for (double p : {1.0, 25.0, 50.0, 51.0, 99.0}) {
        const auto exact = static_cast<double>(exact_percentile(values, p));
        const auto got = static_cast<double>(h.percentile(p));
        INFO("p" << p << " exact " << exact << " got " << got);
        CHECK(std::fabs(got - exact) <= std::fabs(exact) / 64.0 + 1);
    }
    CHECK(h.percentile(50) < 0);
    CHECK(h.percentile(51) >= 0);
}

TEST_CASE("buckets tile the whole range of magnitudes")
{
    for (std::size_t b = 0; b < LatencyHistogram::bucket_count; ++b) {
        INFO("bucket " << b);
        REQUIRE(LatencyHistogram::bucket_of(LatencyHistogram::bucket_low(b)) == b);
        REQUIRE(LatencyHistogram::bucket_of(LatencyHistogram::bucket_high(b)) == b);
        if (b + 1 < LatencyHistogram::bucket_count)
            REQUIRE(LatencyHistogram::bucket_high(b) + 1 == LatencyHistogram::bucket_low(b + 1));
    }
    CHECK(LatencyHistogram::bucket_high(LatencyHistogram::bucket_count - 1) == UINT64_MAX);
}

TEST_CASE("the extremes of int64 are recorded and reported without overflow")
{
    LatencyHistogram h;
    h.record(std::numeric_limits<std::int64_t>::min());
    h.record(std::numeric_limits<std::int64_t>::max());
    CHECK(h.min() == std::numeric_limits<std::int64_t>::min());
    CHECK(h.max() == std::numeric_limits<std::int64_t>::max());
    CHECK(h.percentile(50) == std::numeric_limits<std::int64_t>::min());
    CHECK(h.percentile(100) == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("a percentile between the ends reaches the extremes of int64 without overflow")
{
    // Three samples put the median at rank 1, past the exact min/max answers,
    // so it comes from the buckets: |INT64_MIN| = 2^63 has no int64 negation.
    constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    LatencyHistogram low;
    low.record(lowest);
    low.record(lowest);
    low.record(0);
    CHECK(low.percentile(50) == lowest);

    // 127 << 56 (2^62 * 127/64, with 64 buckets per power of two) opens the
    // highest bucket a positive int64 reaches; the bucket's midpoint lies
    // above it, so only the clamp to max makes the median exact.
    constexpr std::int64_t top_bucket_low = std::int64_t{127} << 56;
    LatencyHistogram high;
    high.record(0);
    high.record(top_bucket_low);
    high.record(top_bucket_low);
    CHECK(high.percentile(50) == top_bucket_low);

    // INT64_MAX ends that bucket: its midpoint is within 1/64, and positive.
    constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();
    LatencyHistogram top;
    top.record(0);
    top.record(highest);
    top.record(highest);
    CHECK(top.percentile(50) <= highest);
    CHECK(top.percentile(50) >= highest - highest / 64);
}

TEST_CASE("clear() starts over, copies are independent")
{
    LatencyHistogram h;
    h.record(-5);
    h.record(7);
    LatencyHistogram copy = h;
    h.clear();
    CHECK(h.count() == 0);
    h.record(3);
    CHECK(h.percentile(50) == 3);
    CHECK(copy.count() == 2);
    CHECK(copy.percentile(50) == -5);
    CHECK(copy.percentile(100) == 7);
}

TEST_CASE("merge() gives what recording everything in one histogram gives")
{
    LatencyHistogram a, b, all;
    for (std::int64_t v = -300; v < 5000; v += 7) {
        (v % 3 == 0 ? a : b).record(v * 11);
        all.record(v * 11);
    }
    a.merge(b);
    CHECK(a.count() == all.count());
    CHECK(a.min() == all.min());
    CHECK(a.max() == all.max());
    for (double p : {1.0, 5.0, 50.0, 90.0, 99.0})
        CHECK(a.percentile(p) == all.percentile(p));
    LatencyHistogram empty;
    a.merge(empty);
    CHECK(a.count() == all.count());
    empty.merge(all);
    CHECK(empty.percentile(50) == all.percentile(50));
}
