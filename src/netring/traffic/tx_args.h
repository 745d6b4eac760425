// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing of xdp-tx's frame sizes (list, range) and rates with SI suffixes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "netring/base/result.h"

namespace netring::traffic {

// The sizes a sender cycles through, in order: "64" one size, "64,512,1514"
// a list, "64-1514" every size from 64 to 1514 in steps of one byte (so a
// range is swept evenly, not sampled), and lists of both ("64,100-200").
// Bounds are the caller's to check. Errors are bad input.
Result<std::vector<std::uint32_t>> parse_sizes(std::string_view text);

// A positive rate: a number with an optional k, M or G suffix (powers of
// 1000): "1000", "2.5M", "10G". Errors are bad input.
Result<double> parse_rate(std::string_view text, std::string_view what);

}  // namespace netring::traffic
