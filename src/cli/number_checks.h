// SPDX-License-Identifier: GPL-2.0-or-later
// Validators for options that take unsigned counts: CLI11 2.1 converts with
// strtoull, which takes "-1" for 2^64 - 1, so "-c -1" would mean "forever";
// and one for values that must not be empty.
#pragma once

#include <CLI/CLI.hpp>

namespace netring::cli {

// Not empty, and nothing but 0-9 (no sign, no space).
bool digits_only(const std::string &text);

// A plain decimal number: digits with an optional fraction and exponent
// ("2", "0.25", ".5", "1e-1"); no sign, space, hex ("0x10", which strtod
// reads as 16), inf or nan.
bool decimal_text(const std::string &text);

// 0, 1, 2, ...: digits only.
extern const CLI::Validator whole_number;
// 1, 2, 3, ...: as tcpdump refuses "-c 0".
extern const CLI::Validator counting_number;
// A decimal number above 0, decimal_text() only (CLI::PositiveNumber's
// message spells out DBL_MAX, and strtod takes hex, inf and nan).
extern const CLI::Validator positive_number;
// Any text but "": an option given as --opt '' is a mistake, not a default.
extern const CLI::Validator non_empty;

}  // namespace netring::cli
