// SPDX-License-Identifier: GPL-2.0-or-later
// Validators for options that take numbers: CLI11 2.1 converts counts with
// strtoull(..., 0), which takes "-1" for 2^64 - 1 ("-c -1" would mean
// "forever"), "0x10" for 16 and "010" for 8, and decimals with strtod, which
// takes hex, inf and nan; and one for values that must not be empty.
#pragma once

#include <CLI/CLI.hpp>

namespace netring::cli {

// Not empty, and nothing but 0-9 (no sign, no space).
bool digits_only(const std::string &text);

// A plain decimal number: digits with an optional fraction and exponent
// ("2", "0.25", ".5", "1e-1"); no sign, space, hex ("0x10", which strtod
// reads as 16), inf or nan.
bool decimal_text(const std::string &text);

// 0, 1, 2, ...: digits only, read as decimal ("010" is 10, not octal 8).
// Add with Option::transform(): it drops the leading zeros.
extern const CLI::Validator whole_number;
// 1, 2, 3, ...: as tcpdump refuses "-c 0"; a transform like whole_number.
extern const CLI::Validator counting_number;
// A decimal number above 0, decimal_text() only (CLI::PositiveNumber's
// message spells out DBL_MAX, and strtod takes hex, inf and nan).
extern const CLI::Validator positive_number;
// Any text but "": an option given as --opt '' is a mistake, not a default.
// The refusal is "the value is empty", then ": " and advice if given.
CLI::Validator non_empty(const std::string &advice = {});

}  // namespace netring::cli
