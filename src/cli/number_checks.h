// SPDX-License-Identifier: GPL-2.0-or-later
// Validators for options that take unsigned counts: CLI11 2.1 converts with
// strtoull, which takes "-1" for 2^64 - 1, so "-c -1" would mean "forever";
// and one for values that must not be empty.
#pragma once

#include <CLI/CLI.hpp>

namespace netring::cli {

// Not empty, and nothing but 0-9 (no sign, no space).
bool digits_only(const std::string &text);

// 0, 1, 2, ...: digits only.
extern const CLI::Validator whole_number;
// 1, 2, 3, ...: as tcpdump refuses "-c 0".
extern const CLI::Validator counting_number;
// A decimal number above 0 (CLI::PositiveNumber's message spells out DBL_MAX).
extern const CLI::Validator positive_number;
// Any text but "": an option given as --opt '' is a mistake, not a default.
// The refusal is "the value is empty", then ": " and advice if given.
CLI::Validator non_empty(const std::string &advice = {});

}  // namespace netring::cli
